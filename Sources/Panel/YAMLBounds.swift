import Foundation
import CYaml

/// The aliases of a YAML text, bounded on libyaml's events before Yams composes it: a
/// programme is YAML that a secretary's key can sign outside pingshen (a program-amend, the
/// genesis) and every member's open decodes (`GovernanceRules.program`), as `import` decodes
/// a manifest. Yams hashes each mapping key whole, its aliases expanded (ten lines of aliases
/// standing for 10^9 nodes, as a key, ran for ever), and the schema check and the decoder walk
/// every expanded node (rounds × criteria, each list of aliases, ran for ever too). This pass is
/// linear in the text. Nesting needs no bound here: libyaml refuses more than 1,000 levels.
enum YAMLBounds {
    /// The nodes a text may stand for, aliases expanded: without an alias a text has fewer
    /// nodes than bytes, so this refuses only an expansion beyond the text itself.
    static func maxNodes(_ text: String) -> Int { 100_000 + 2 * text.utf8.count }

    /// Throws an `InputError` naming `path` and the line when its aliases expand beyond
    /// `maxNodes`. A syntax error is left to Yams (which names it).
    static func check(_ text: String, path: String) throws {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return }   // libyaml asserts on a null input
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        let budget = maxNodes(text)
        try bytes.withUnsafeBufferPointer { buf in
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            // Per open collection: its anchor and the nodes it stands for so far.
            var open: [(anchor: String?, nodes: Int)] = []
            var sizes: [String: Int] = [:]
            var total = 0
            func anchor(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? { p.map { String(cString: UnsafePointer($0)) } }
            /// `n` more nodes; `toParent`: counted in the open collection too (a collection's own
            /// count reaches its parent when it closes).
            func add(_ n: Int, line: Int, toParent: Bool = true) throws {
                total += n
                if toParent, !open.isEmpty { open[open.count - 1].nodes += n }
                guard total <= budget else {
                    throw InputError(path: path, line: line, message: localized(
                        "别名展开后超过 \(budget) 个节点：不接受（别名炸弹）",
                        "its aliases expand to more than \(budget) nodes: refused (an alias bomb)"))
                }
            }
            var done = false
            while !done {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                switch event.type {
                case YAML_SCALAR_EVENT:
                    try add(1, line: line)
                    if let a = anchor(event.data.scalar.anchor) { sizes[a] = 1 }
                case YAML_ALIAS_EVENT:
                    try add(anchor(event.data.alias.anchor).flatMap { sizes[$0] } ?? 1, line: line)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let a = event.type == YAML_SEQUENCE_START_EVENT ? anchor(event.data.sequence_start.anchor) : anchor(event.data.mapping_start.anchor)
                    try add(1, line: line, toParent: false)
                    open.append((a, 1))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let last = open.popLast() else { break }
                    if let a = last.anchor { sizes[a] = last.nodes }
                    // its nodes were counted in `total` as they came: only its parent learns them
                    if !open.isEmpty { open[open.count - 1].nodes += last.nodes }
                case YAML_STREAM_END_EVENT:
                    done = true
                default:
                    break
                }
            }
        }
    }
}
