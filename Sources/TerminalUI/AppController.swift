import Panel

/// The headless runtime: holds the state, feeds events to `update`, performs the effects on the
/// backend, and renders frames. The curses front end drives one of these; tests and benchmarks
/// drive it directly.
public final class AppController {
    public let backend: ReviewBackend
    public var theme: Theme
    public private(set) var state: AppState
    /// Effects performed so far (for tests).
    public private(set) var performed: [Effect] = []
    /// The theme's name, and how many times it changed (the curses front end re-applies the
    /// colours when this moves).
    public private(set) var themeName: String
    public private(set) var themeChanges = 0

    public init(backend: ReviewBackend, lang: Language, theme: Theme = .default, themeName: String = "default", size: (cols: Int, rows: Int)) {
        self.backend = backend
        self.theme = theme
        self.themeName = themeName
        self.state = AppState(lang: lang, cols: size.cols, rows: size.rows)
        state.themeName = themeName
        if !Permissions.canScore(backend.me.role) && Permissions.canQualify(backend.me.role) {
            // Secretaries start on the qualification results.
            state.stack = [.list, .eligibility(ListPos())]
        }
        UI.reload(&state, backend)
    }

    public var shouldQuit: Bool { state.quit }

    /// Shows a message in the message line until the next key (e.g. who is signed in).
    public func show(_ text: String, role: StyleRole = .message) {
        UI.setMessage(&state, text, role)
    }

    /// Shows a message on the message line (until the next key press), e.g. who is signed in
    /// and how records get signed when a session opens.
    public func announce(_ text: String, warning: Bool = false) {
        UI.setMessage(&state, text, warning ? .warning : .message)
    }

    /// Sends an event and performs the resulting effects.
    public func send(_ event: Event) {
        var effects = UI.update(&state, event, backend)
        while !effects.isEmpty {
            let e = effects.removeFirst()
            performed.append(e)
            if let result = perform(e) {
                effects += UI.update(&state, .done(result), backend)
            }
        }
    }

    func perform(_ e: Effect) -> EffectResult? {
        let lang = state.lang
        do {
            switch e {
            case .saveDraft(let input):
                try backend.saveDraft(input)
                return .draftSaved(dossier: input.dossier)
            case .sign(let input):
                let path = try backend.submitScore(input)
                return .signed(dossier: input.dossier, path: path)
            case .recuse(let d, let reason):
                try backend.recuse(d, reason: reason)
                return .recused(dossier: d)
            case .finalize(let res):
                return .finalized(path: try backend.finalize(resolutions: res))
            case .savePreferences(let p):
                if let t = p.theme, t != themeName { theme = try Theme.named(t); themeName = t; themeChanges += 1 }
                try backend.savePreferences(p)
                return nil
            case .discardDraft(let d):
                try backend.discardDraft(d)
                return .draftDiscarded(dossier: d)
            case .secretary(let a):
                return .secretaryDone(try backend.performSecretary(a, lang: lang))
            case .writeList(let list, let format, let path):
                let written = try backend.writeList(list, format: format, to: path, lang: lang)
                return .secretaryDone(lang.pick("已写入 \(written)", "Written to \(written)"))
            case .quit:
                return nil
            }
        } catch {
            if case .saveDraft = e {
                return .failed(lang.pick("草稿未能保存：", "The draft could not be saved: ") + error.userMessage(lang))
            }
            if case .writeList = e {
                return .failed(lang.pick("未写入：", "Not written: ") + error.userMessage(lang))
            }
            if case .savePreferences = e {
                return .failed(lang.pick("偏好未能保存（本次仍有效）：", "Preferences not saved (they apply to this session): ") + error.userMessage(lang))
            }
            return .failed(lang.pick("签名失败，未保存任何记录：", "Signing failed; nothing was recorded: ") + error.userMessage(lang))
        }
    }

    /// Handles a key and returns the new frame.
    @discardableResult
    public func handle(_ key: Key) -> Grid {
        send(.key(key))
        return frame()
    }

    public func resize(cols: Int, rows: Int) -> Grid {
        send(.resize(cols, rows))
        return frame()
    }

    /// Checks the store for records written by other sessions; true when the screen changed.
    @discardableResult
    public func poll() -> Bool {
        guard backend.refreshIfChanged() else { return false }
        send(.dataChanged)
        return true
    }

    public func frame() -> Grid { UI.view(state, backend) }
}
