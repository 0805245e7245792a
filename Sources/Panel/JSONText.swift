import Foundation

/// JSON text written by hand (the contracts fix key order, so no encoder is used).
public enum JSONText {
    /// A JSON string literal: quotes, backslash and control characters escaped (also U+2028/9,
    /// which some readers take for line ends); other text as UTF-8.
    public static func string(_ s: String) -> String {
        quoted(s, uppercaseHex: false) { $0 < 0x20 || $0 == 0x7F || $0 == 0x2028 || $0 == 0x2029 }
    }

    /// `s` in double quotes, with \" \\ \n \t \r and `\uXXXX` for every scalar `escape` picks (the
    /// escapes JSON and YAML's double-quoted scalars share).
    public static func quoted(_ s: String, uppercaseHex: Bool, escape: (UInt32) -> Bool) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if escape(u.value) {
                    let hex = String(u.value, radix: 16, uppercase: uppercaseHex)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
