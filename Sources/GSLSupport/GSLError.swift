internal import CGSL

/// A GSL status other than success, as a Swift error. The table below covers every status code of
/// `gsl_errno.h`; hvnet never lets GSL abort the process (see ``GSLRuntime``).
public struct GSLError: Error, Equatable, CustomStringConvertible {
    public let status: Int32
    /// What hvnet was doing when GSL failed.
    public let context: String

    public init(status: Int32, context: String) {
        self.status = status
        self.context = context
    }

    /// GSL's symbolic name for the status (`GSL_EFAILED`, …).
    public var name: String { Self.names[Int(status)] ?? "GSL status \(status)" }

    public var description: String {
        let reason = GSLRuntime.ensureInitialized() ? String(cString: gsl_strerror(status)) : ""
        return "\(context): GSL error \(name) (\(reason))"
    }

    /// Maps a GSL status to nil (success) or an error.
    public static func check(_ status: Int32, _ context: @autoclosure () -> String) throws {
        if Int(status) != GSL_SUCCESS { throw GSLError(status: status, context: context()) }
    }

    static let names: [Int: String] = [
        GSL_FAILURE: "GSL_FAILURE", GSL_CONTINUE: "GSL_CONTINUE", GSL_EDOM: "GSL_EDOM",
        GSL_ERANGE: "GSL_ERANGE", GSL_EFAULT: "GSL_EFAULT", GSL_EINVAL: "GSL_EINVAL",
        GSL_EFAILED: "GSL_EFAILED", GSL_EFACTOR: "GSL_EFACTOR", GSL_ESANITY: "GSL_ESANITY",
        GSL_ENOMEM: "GSL_ENOMEM", GSL_EBADFUNC: "GSL_EBADFUNC", GSL_ERUNAWAY: "GSL_ERUNAWAY",
        GSL_EMAXITER: "GSL_EMAXITER", GSL_EZERODIV: "GSL_EZERODIV", GSL_EBADTOL: "GSL_EBADTOL",
        GSL_ETOL: "GSL_ETOL", GSL_EUNDRFLW: "GSL_EUNDRFLW", GSL_EOVRFLW: "GSL_EOVRFLW",
        GSL_ELOSS: "GSL_ELOSS", GSL_EROUND: "GSL_EROUND", GSL_EBADLEN: "GSL_EBADLEN",
        GSL_ENOTSQR: "GSL_ENOTSQR", GSL_ESING: "GSL_ESING", GSL_EDIVERGE: "GSL_EDIVERGE",
        GSL_EUNSUP: "GSL_EUNSUP", GSL_EUNIMPL: "GSL_EUNIMPL", GSL_ECACHE: "GSL_ECACHE",
        GSL_ETABLE: "GSL_ETABLE", GSL_ENOPROG: "GSL_ENOPROG", GSL_ENOPROGJ: "GSL_ENOPROGJ",
        GSL_ETOLF: "GSL_ETOLF", GSL_ETOLX: "GSL_ETOLX", GSL_ETOLG: "GSL_ETOLG", GSL_EOF: "GSL_EOF",
    ]
}

/// Process-wide GSL set-up. GSL's default error handler aborts the process; hvnet switches it off
/// once, before its first GSL call, and maps every status to ``GSLError`` instead.
public enum GSLRuntime {
    private static let initialized: Bool = {
        gsl_set_error_handler_off()
        return true
    }()

    /// Switches GSL's aborting error handler off (once; thread-safe). Call before any GSL call.
    @discardableResult
    public static func ensureInitialized() -> Bool { initialized }
}
