import Foundation
import Testing
import Panel
import Records

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

    // MARK: - District → city through the real binary

    /// A Qingpu list as its form is filled in: QP001 nominated by its town federation, QP002
    /// self-nominated, QP003 last.
    static let qingpuCSV = """
    编号,姓名,性别,出生日期,民族,国籍,工会会员,专业领域,职称（技能等级）,手机,联系地址,工作单位,推荐单位,推荐方式,从业年限,获奖情况,已获荣誉,单位排序,主要事迹
    QP001,陆师傅,男,1972-05-01,汉族,中国,是,模具制造,高级技师,139,青浦,青浦某模具厂,朱家角镇总工会,单位推荐,25,区职工技术创新成果奖,无,1,模具精度提升。
    QP002,沈师傅,女,1978-02-01,汉族,中国,是,数控加工,技师,138,青浦,青浦某机械厂,,个人自荐,18,无,无,,自荐：数控工艺改进。
    QP003,钱师傅,男,1980-03-01,汉族,中国,是,电工,技师,137,青浦,青浦某电力公司,华新镇总工会,单位推荐,15,无,无,1,电力抢修。
    """

    /// A Qingpu store of `year` with its list approved (QP001 and QP002 selected).
    static func approvedQingpu(year: Int = 2026) throws -> Fixture {
        let qp = try Fixture(program: "qingpu-craftsman", quota: 2, year: year, dossiers: qingpuCSV)
        try qp.approvedList(["QP001": 25, "QP002": 22, "QP003": 10])
        return qp
    }

    static func promote(_ from: Fixture, to city: Fixture, extra: [String] = []) throws -> Harness.Result {
        try Harness.pingshen(["promote", from.store, "--to", city.store, "--as", "sec", "--key", city.key("sec")] + extra)
    }

    static func fields(_ file: String) throws -> [String: String] {
        let d = try YAMLFile.decode(Dossier.self, path: file)
        return d.fields
    }

    static func verify(_ store: String) throws -> (status: Int32, kinds: [String], text: String) {
        let r = try Harness.pingshen(["verify", store, "--format", "json"])
        let problems = (try? Harness.json(r.stdout))?["problems"] as? [[String: Any]] ?? []
        return (r.status, problems.compactMap { $0["kind"] as? String }, r.stdout + r.stderr)
    }

    @Test func districtToCityWithEvidence() throws {
        let qp = try Fixture(program: "qingpu-craftsman", quota: 2, dossiers: Self.qingpuCSV)
        let city = try Fixture()
        // Not approved: nothing to promote.
        var r = try Self.promote(qp, to: city)
        #expect(r.status == 1 && r.stderr.contains("not approved"), "\(r.stderr)")
        try qp.approvedList(["QP001": 25, "QP002": 22, "QP003": 10])
        let fp = try #require(try Harness.json(try Harness.pingshen(["verify", qp.store, "--format", "json"]).stdout)["fingerprint"] as? String)
        // Not the store the district's notice published.
        r = try Self.promote(qp, to: city, extra: ["--fingerprint", String(repeating: "0", count: 64)])
        #expect(r.status == 1 && r.stderr.contains("fingerprint"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: city.store + "/dossiers/QP2026-QP001.yaml"))
        r = try Self.promote(qp, to: city, extra: ["--fingerprint", fp])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("QP2026"))

        // Namespaced ids; the 推荐单位 kept; the recommending level added; the channel at the city.
        let one = try Self.fields(city.store + "/dossiers/QP2026-QP001.yaml")
        #expect(one["recommender"] == "朱家角镇总工会")
        #expect(one["recommending_level"]?.contains("青浦区总工会") == true)
        #expect(one["promoted_from_id"] == "QP001")
        #expect(one["promotion_fingerprint"] == fp)
        #expect(one["channel"] == "单位推荐" && one["source_channel"] == nil)
        let two = try Self.fields(city.store + "/dossiers/QP2026-QP002.yaml")
        #expect(two["channel"] == "单位推荐" && two["source_channel"] == "个人自荐")
        #expect(!FileManager.default.fileExists(atPath: city.store + "/dossiers/QP2026-QP003.yaml"))
        // The city's own D001… are untouched.
        #expect(FileManager.default.fileExists(atPath: city.store + "/dossiers/D001.yaml"))

        // The intake pins the evidence; the evidence is what the district signed.
        let intake = try #require(Harness.records(city.store, "sec").last)
        let body = try #require(try Harness.json(try String(contentsOfFile: intake, encoding: .utf8))["body"] as? [String: Any])
        let promotion = try #require(body["promotion"] as? [String: Any])
        #expect(promotion["source_fingerprint"] as? String == fp)
        #expect(promotion["source_program"] as? String == "qingpu-craftsman")
        let evidence = try #require(promotion["evidence"] as? [String: String])
        #expect(evidence["dossier_set.txt"] != nil && evidence["dossiers/QP001.yaml"] != nil)
        let approval = try #require(Harness.records(qp.store, "appr-qp-ftu").last)
        let approvalRel = Harness.recordPath(approval)
        #expect(evidence[approvalRel] != nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: city.store + "/evidence/QP2026/" + approvalRel)) == Data(contentsOf: URL(fileURLWithPath: approval)))
        var v = try Self.verify(city.store)
        #expect(v.status == 0, "\(v.text)")

        // Promoted twice: refused, nothing changes.
        r = try Self.promote(qp, to: city)
        #expect(r.status == 1 && r.stderr.contains("already has a dossier QP2026-QP001"), "\(r.stderr)")
        // Another district list numbering from QP001 too (the next year's): no collision.
        let qp27 = try Self.approvedQingpu(year: 2027)
        r = try Self.promote(qp27, to: city)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: city.store + "/dossiers/QP2027-QP001.yaml"))
        v = try Self.verify(city.store)
        #expect(v.status == 0, "\(v.text)")

        // Evidence edited, removed or added after the intake: verify names it.
        let evApproval = city.store + "/evidence/QP2026/" + approvalRel
        let saved = try Data(contentsOf: URL(fileURLWithPath: evApproval))
        try Data(String(decoding: saved, as: UTF8.self).replacingOccurrences(of: "\"QP002\"", with: "\"QP003\"").utf8).write(to: URL(fileURLWithPath: evApproval))
        v = try Self.verify(city.store)
        #expect(v.status == 1 && v.kinds.contains("evidence-changed"), "\(v.text)")
        try saved.write(to: URL(fileURLWithPath: evApproval))
        let evDossier = city.store + "/evidence/QP2026/dossiers/QP001.yaml"
        try FileManager.default.moveItem(atPath: evDossier, toPath: city.dir + "/moved.yaml")
        v = try Self.verify(city.store)
        #expect(v.status == 1 && v.kinds.contains("evidence-missing"), "\(v.text)")
        try FileManager.default.moveItem(atPath: city.dir + "/moved.yaml", toPath: evDossier)
        try Data("x".utf8).write(to: URL(fileURLWithPath: city.store + "/evidence/QP2026/records/chair/000/000099.json"))
        v = try Self.verify(city.store)
        #expect(v.status == 1 && v.kinds.contains("evidence-changed"), "\(v.text)")
        try FileManager.default.removeItem(atPath: city.store + "/evidence/QP2026/records/chair/000/000099.json")
        #expect(try Self.verify(city.store).status == 0)

        // Forgeries the intake's pins would not catch (a target secretary who signs what a
        // district sends): the checker verify runs, on evidence re-pinned by hand.
        try Self.forgeries(city: city, district: qp, intake: intake)
    }

    /// Each forgery in a copy of the city store, its pins rewritten to match, checked by the
    /// same code `verify` runs (`PromotionEvidence.problems`).
    static func forgeries(city: Fixture, district qp: Fixture, intake: String) throws {
        var body = try Record(bytes: try Data(contentsOf: URL(fileURLWithPath: intake))).body
        guard case .object(var promotion)? = body["promotion"] else { throw StoreFailure("promotion") }
        let approvalSHA = try #require(promotion["approvals"]?.array?.first?.string)
        let approvalRel = try #require(promotion["evidence"]?.object?.first { key, _ in key.hasPrefix("records/appr-") && key.hasSuffix(".json")
            && (try? Data(contentsOf: URL(fileURLWithPath: city.store + "/evidence/QP2026/" + key))).map(Record.sha256Hex) == approvalSHA }?.key)
        // The approving body's approver (issue 12: 区总工会 and 区人社局 each sign one).
        let approver = approvalRel.split(separator: "/").dropFirst().first.map(String.init) ?? ""

        func check(_ tag: String, _ change: (String) throws -> [String: JSONValue]) throws -> [Problem] {
            let copy = city.dir + "/forge-" + tag
            try FileManager.default.copyItem(atPath: city.store, toPath: copy)
            var p = promotion
            for (k, v) in try change(copy + "/evidence/QP2026") { p[k] = v }
            var evidence = p["evidence"]?.object ?? [:]
            for rel in evidence.keys {
                if let d = FileManager.default.contents(atPath: copy + "/evidence/QP2026/" + rel) { evidence[rel] = .string(Record.sha256Hex(d)) }
            }
            p["evidence"] = .object(evidence)
            body["promotion"] = .object(p)
            return PromotionEvidence.problems(intake: body, path: "intake", layout: StoreLayout(copy), pins: DossierPins(), files: [:], language: .en)
        }
        func sign(_ file: String, with key: String) throws {
            try? FileManager.default.removeItem(atPath: file + ".sig")
            let r = try Harness.run("/usr/bin/ssh-keygen", ["-Y", "sign", "-f", key, "-n", "review-record@pingshen", file])
            #expect(r.status == 0, "\(r.stderr)")
        }
        // The re-pinned copy with nothing forged passes (the checks below can fail only by the forgery).
        #expect(try check("none") { _ in [:] }.isEmpty)
        // The intake names another store than the one whose genesis the evidence holds (the
        // provenance fingerprint must be the evidence's genesis hash).
        var found = try check("other-store") { _ in ["source_fingerprint": .string(String(repeating: "0", count: 64))] }
        #expect(found.contains { $0.kind == "evidence-mismatch" && $0.message.contains("fingerprint") }, "\(found)")
        // The district secretary signs the chair's approval with their own key.
        found = try check("resigned") { ev in try sign(ev + "/" + approvalRel, with: qp.key("sec")); return [:] }
        #expect(found.contains { $0.kind == "evidence-forged" && $0.message.contains("'\(approver)''s key") }, "\(found)")
        // The district secretary fabricates an approval in their own name.
        found = try check("fabricated") { ev in
            let file = ev + "/" + approvalRel
            // In the secretary's name (and, as a record must, not naming its own signer in `seen`).
            var text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\"signer\":\"\(approver)\"", with: "\"signer\":\"sec\"")
            text = text.replacingOccurrences(of: #",\"sec\":[0-9]+"#, with: "", options: .regularExpression)
            text = text.replacingOccurrences(of: #"\"sec\":[0-9]+,?"#, with: "", options: .regularExpression)
            #expect((try? Record(bytes: Data(text.utf8)))?.signer == "sec")
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            try sign(file, with: qp.key("sec"))
            return ["approvals": .array([.string(Record.sha256Hex(Data(text.utf8)))])]
        }
        #expect(found.contains { $0.kind == "evidence-forged" && $0.message.contains("may not sign") }, "\(found)")
        // The district's dossier edited after it finalized.
        found = try check("edited") { ev in
            let file = ev + "/dossiers/QP001.yaml"
            let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "模具精度提升", with: "获全国五一劳动奖章")
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            return [:]
        }
        #expect(found.contains { $0.kind == "evidence-mismatch" && $0.message.contains("not the version the source finalized") }, "\(found)")
        // …and the dossier set rewritten to match it.
        found = try check("reset") { ev in
            let file = ev + "/dossiers/QP001.yaml"
            let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "模具精度提升", with: "获全国五一劳动奖章")
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            let set = try String(contentsOfFile: ev + "/dossier_set.txt", encoding: .utf8).split(separator: "\n").map { line -> String in
                line.hasPrefix("QP001 ") ? "QP001 " + Record.sha256Hex(Data(text.utf8)) : String(line)
            }.joined(separator: "\n") + "\n"
            try Data(set.utf8).write(to: URL(fileURLWithPath: ev + "/dossier_set.txt"))
            return [:]
        }
        #expect(found.contains { $0.kind == "evidence-mismatch" && $0.message.contains("dossier_set") }, "\(found)")
    }

    @Test func refusals() throws {
        let city = try Fixture()
        // Other programmes: a Jing'an funding project is no 上海工匠 nominee, nor is a Zhejiang one.
        for program in ["jingan-chief-technician", "hangzhou-craftsman"] {
            let other = try Fixture(program: program)
            let r = try Self.promote(other, to: city)
            #expect(r.status == 1 && r.stderr.contains("does not take promotions from \(program)") && r.stderr.contains("qingpu-craftsman"), "\(r.stderr)")
            let zh = try Harness.run(Harness.binary, ["promote", other.store, "--to", city.store, "--as", "sec", "--key", city.key("sec"), "--lang", "zh"])
            #expect(zh.status == 1 && zh.stderr.contains("不接受"), "\(zh.stderr)")
        }
        // The city chief-technician programme takes Jing'an's, not Qingpu's craftsmen.
        let qp = try Self.approvedQingpu()
        let chief = try Fixture(program: "shanghai-chief-technician")
        var r = try Self.promote(qp, to: chief)
        #expect(r.status == 1 && r.stderr.contains("sources it takes: jingan-chief-technician"), "\(r.stderr)")
        // A closed target: finalized, then approved.
        try city.finalizedList(["D001": 20, "D002": 15, "D003": 10, "D004": 5])
        r = try Self.promote(qp, to: city)
        #expect(r.status == 1 && r.stderr.contains("already finalized"), "\(r.stderr)")
        try city.approveList()
        r = try Self.promote(qp, to: city)
        #expect(r.status == 1 && r.stderr.contains("already approved"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: city.store + "/evidence/QP2026"))
        // A district dossier edited after the district approved it: the district store has a
        // problem and promotes nothing.
        let open = try Fixture()
        let file = qp.store + "/dossiers/QP001.yaml"
        try (try String(contentsOfFile: file, encoding: .utf8) + "# edited\n").write(toFile: file, atomically: true, encoding: .utf8)
        r = try Self.promote(qp, to: open)
        #expect(r.status == 1 && r.stderr.contains("dossier-changed"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: open.store + "/evidence"))
    }
}
