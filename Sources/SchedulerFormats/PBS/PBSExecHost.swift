/// The hosts of a PBS `exec_host` (`cn01/0*4+cn02/0*4`) or a Torque `PBS_NODEFILE` body (one
/// host per line, once per slot): each host once, in order, mother superior first.
public enum PBSExecHost {
    /// Host names only: the `/slot*count` and `:ppn=` parts are dropped.
    public static func hosts(_ text: String) -> [String] {
        var seen = Set<String>()
        var hosts: [String] = []
        for entry in text.split(whereSeparator: { $0 == "+" || $0 == "\n" }) {
            let host = String(entry.prefix { $0 != "/" && $0 != ":" && $0 != " " && $0 != "\r" })
            if !host.isEmpty, seen.insert(host).inserted { hosts.append(host) }
        }
        return hosts
    }
}
