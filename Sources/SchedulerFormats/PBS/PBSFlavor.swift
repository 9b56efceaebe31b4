/// Which PBS runs the hooks. They pass nearly the same arguments but number their failures
/// differently (`-11` is a rerun to OpenPBS and a walltime kill to Torque).
public enum PBSFlavor: String, Sendable, Hashable, CaseIterable {
    /// OpenPBS and Altair PBS Professional.
    case openPBS = "OpenPBS"
    case torque = "Torque"
}
