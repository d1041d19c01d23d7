/// hvnet's version, written into every run summary.
public enum HVNetVersion {
    public static let string = "0.1.0"
}
