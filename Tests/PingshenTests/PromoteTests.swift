import Foundation
import Testing
import Panel

/// Issue 12, promotion between levels (逐级推荐): which programmes feed which, namespaced ids,
/// the kept 推荐单位, and the source's signed records as evidence the target's verify checks.
@Suite struct PromoteTests {
    // MARK: - Feeds in the templates and their schema check

    @Test func templatesNameTheirFeeds() throws {
        let city = try #require(Templates.program("shanghai-craftsman"))
        #expect(city.feed(from: "qingpu-craftsman")?.prefix == "QP")
        #expect(city.feed(from: "hangzhou-craftsman") == nil)
        #expect(city.feed(from: "jingan-chief-technician") == nil)
        let chief = try #require(Templates.program("shanghai-chief-technician"))
        #expect(chief.feed(from: "jingan-chief-technician")?.prefix == "JA")
        #expect(chief.feed(from: "jingan-master-studio") == nil)
        #expect(chief.subject == "project")
        // What the seeds do not say is written in the notes.
        #expect((chief.notes ?? []).contains { $0.contains("choice") })
        // No district programme takes promotions.
        for id in ["qingpu-craftsman", "hangzhou-craftsman", "jingan-chief-technician", "jingan-master-studio", "jingan-term-review"] {
            #expect((Templates.program(id)?.feeds ?? []).isEmpty, "\(id)")
        }
    }

    @Test func feedsAreSchemaChecked() throws {
        let yaml = try #require(Templates.yaml("shanghai-craftsman"))
        func decode(_ feeds: String) -> String? {
            let text = yaml.replacingOccurrences(of: "  - {program: qingpu-craftsman, prefix: QP, channel: 单位推荐}", with: feeds)
            do { _ = try Templates.decode(text, id: "t"); return nil } catch { return "\(error)" }
        }
        #expect(decode("  - {program: qingpu-craftsman, prefix: QP, channel: 单位推荐}") == nil)
        let twice = decode("  - {program: qingpu-craftsman, prefix: QP}\n  - {program: jiading-craftsman, prefix: QP}")
        #expect(twice?.contains("feeds[1].prefix") == true, "\(twice ?? "")")
        #expect(decode("  - {program: qingpu-craftsman, prefix: \"Q/P\"}")?.contains("prefix") == true)
        #expect(decode("  - {program: qingpu-craftsman, prefix: QQQQQQQQQQQQQQQQQ}")?.contains("16") == true)
        #expect(decode("  - {program: qingpu-craftsman, prefix: QP, channel: 网络推荐}")?.contains("channel") == true)
        #expect(decode("  - {program: qingpu-craftsman, prefix: QP, by: x}")?.contains("by") == true)
    }
}
