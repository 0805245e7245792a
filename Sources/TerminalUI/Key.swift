/// A key as the UI sees it. The curses backend maps `get_wch` results to these.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    /// Ctrl plus a letter, lower case: Ctrl-S is `.ctrl("s")`.
    case ctrl(Character)
    /// F1…F12.
    case function(Int)
    case resize

    /// A printable character, if this key is one.
    public var printable: Character? {
        if case .char(let c) = self, !(c.unicodeScalars.first.map { $0.value < 0x20 || $0.value == 0x7F } ?? true) { return c }
        return nil
    }
}

/// A mouse event (issue 17): a button press at a cell, or the wheel.
public struct Mouse: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case press, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int
    public init(_ kind: Kind, x: Int, y: Int) { self.kind = kind; self.x = x; self.y = y }
}

/// Everything the update function reacts to.
public enum Event: Sendable {
    case key(Key)
    case mouse(Mouse)
    /// The terminal has a new size (columns, rows).
    case resize(Int, Int)
    /// The backend has loaded new records (another session wrote something).
    case dataChanged
    /// An effect finished.
    case done(EffectResult)
}

public enum EffectResult: Sendable, Equatable {
    case signed(dossier: String, path: String)
    case recused(dossier: String)
    case finalized(path: String)
    case draftSaved(dossier: String)
    case draftDiscarded(dossier: String)
    /// A secretary's action was signed (or a list written): what to say.
    case secretaryDone(String)
    case failed(String)
}
