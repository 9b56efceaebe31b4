/// The version this build reports on `/v1/health`, in logs and in the package name.
public enum ServiceVersion {
    public static let current = "0.1.0"
}
