/// The one settings file of a host: the server's and the hooks' `KEY=VALUE` lines, the
/// server's systemd `EnvironmentFile` too. Variables of the same names in a process's
/// environment win over it.
public enum SettingsFile {
    public static let defaultPath = "/etc/hpc-obs/hpc-obs.conf"
    /// The variable that names another file.
    public static let pathVariable = "HPC_OBS_CONFIG"
}
