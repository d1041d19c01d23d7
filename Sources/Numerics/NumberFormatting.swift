import Foundation
/// A finite double in Swift's shortest round-trip form ("0.1", "1e-05", "30.914612345").
@inlinable public func formatNumber(_ x: Double) -> String { x == 0 ? "0.0" : x.description }

/// A time or step for a message: `x` rounded to 12 significant digits, then in shortest form, so
/// that a grid time n·dt reads 3.26, not 3.2600000000000002 (the double nearest the rounded
/// decimal, in shortest form).
public func formatRounded(_ x: Double) -> String {
    guard x.isFinite, x != 0, let rounded = Double(String(format: "%.12g", x)), rounded.isFinite, rounded != 0 else {
        return formatNumber(x)
    }
    return formatNumber(rounded)
}

/// `text` safe to print on a terminal: control characters (C0, DEL, C1: escape sequences, carriage
/// returns, bells), line and paragraph separators and bidirectional overrides are written as
/// `\u{1B}`, so a name from a file cannot move the cursor, recolour or reorder what follows.
/// `keepingNewlines`: line feeds stay (for messages of several lines).
public func printable(_ text: String, keepingNewlines: Bool = false) -> String {
    var out = ""
    out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
        let v = scalar.value
        let unsafe = v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
        if unsafe && !(keepingNewlines && v == 0x0A) {
            out += "\\u{\(String(v, radix: 16, uppercase: true))}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
