/// The GPUs a job holds on one node, from the job record's per-node GRES detail (what
/// `scontrol show job -d` prints as `GRES=`): `gpu:a100:2(IDX:0-1)`, `gpu:2(IDX:0,2)`,
/// `gpu(IDX:3)`, several types joined by commas, other GRES beside them
/// (`gpu:1(IDX:0),nic:1(IDX:0)`).
///
/// slurmd and slurmctld write this; a job's own processes cannot change it, unlike the
/// `SLURM_JOB_GPUS` in their environment.
public enum SlurmGRESDetail {
    /// Device indices are small; a bigger one is not a GPU index.
    public static let maxIndex = 65_535

    /// The GPU indices, sorted, without duplicates; none when the detail names no GPU or its
    /// indices cannot be read (`IDX:N/A`).
    public static func gpuIndices(_ detail: String) -> [Int] {
        var indices = Set<Int>()
        for entry in entries(detail) {
            let name = entry.prefix { $0 != ":" && $0 != "(" }
            guard name == "gpu", let open = entry.firstRange(of: "(IDX:"), let close = entry[open.upperBound...].firstIndex(of: ")") else { continue }
            for part in entry[open.upperBound..<close].split(separator: ",") {
                let bounds = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
                guard let low = number(bounds[0]) else { continue }
                let high = bounds.count == 2 ? number(bounds[1]) : low
                guard let high, low <= high else { continue }
                indices.formUnion(low...high)
            }
        }
        return indices.sorted()
    }

    /// Splits at commas outside parentheses.
    private static func entries(_ detail: String) -> [Substring] {
        var entries: [Substring] = []
        var depth = 0
        var start = detail.startIndex
        for index in detail.indices {
            switch detail[index] {
            case "(": depth += 1
            case ")": depth = max(0, depth - 1)
            case "," where depth == 0:
                entries.append(detail[start..<index])
                start = detail.index(after: index)
            default: break
            }
        }
        entries.append(detail[start...])
        return entries
    }

    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text), value <= maxIndex else {
            return nil
        }
        return value
    }
}
