/// The hosts of a job as PBS names them, each host once, in order, mother superior first:
/// - `exec_host`: `cn01/0*4+cn02/0*4`;
/// - `exec_host2`, which OpenPBS's hook job object has instead: `cn01:15002/0*4+cn02:15002/0`;
/// - `exec_vnode`, chunks of vnodes: `(cn01:ncpus=4:mem=2gb)+(cn02[0]:ncpus=2+cn02[1]:ncpus=2)`,
///   where a vnode `cn02[1]` of a multi-vnode host stands for the host `cn02`;
/// - a Torque `PBS_NODEFILE` body: one host per line, once per slot.
public enum PBSExecHost {
    /// Host names only: slots, ports, resources and vnode indices are dropped.
    public static func hosts(_ text: String) -> [String] {
        var seen = Set<String>()
        var hosts: [String] = []
        for entry in text.split(whereSeparator: { $0 == "+" || $0 == "\n" }) {
            let name = entry.drop { $0 == "(" || $0 == " " || $0 == "\t" }.prefix { !":/ \r)".contains($0) }
            let host = String(vnodeHost(name))
            if !host.isEmpty, seen.insert(host).inserted { hosts.append(host) }
        }
        return hosts
    }

    /// `cn02[1]` → `cn02`; a name without a bracketed index is its own host.
    private static func vnodeHost(_ name: Substring) -> Substring {
        guard name.last == "]", let open = name.lastIndex(of: "[") else { return name }
        let index = name[name.index(after: open)..<name.index(before: name.endIndex)]
        return !index.isEmpty && index.allSatisfy(\.isNumber) ? name[..<open] : name
    }
}
