/// The label blocks of many jobs, written back to back into fixed-size segments.
///
/// One growing buffer would double and copy as it fills: for 100,000 jobs a 10 MB buffer
/// briefly needs 30 MB. Segments are reserved once and never move, so the buffer holds what
/// was written plus at most one segment.
struct LabelBlockBuffer: Sendable {
    static let segmentBytes = 1 << 20
    /// A block starting in a segment with less room than this goes into the next one, so a
    /// segment never outgrows its reservation unless a single block is this large.
    static let segmentSlack = 4_096

    private var sealed: [[UInt8]] = []
    private var blockStart = 0
    /// Per block: its segment in the high 32 bits, its end within the segment in the low 32.
    private var locations: [UInt64] = []

    private var current: [UInt8] = []

    mutating func reserve(blocks: Int) {
        locations.reserveCapacity(blocks)
    }

    var count: Int { locations.count }

    mutating func beginBlock() {
        if current.count + Self.segmentSlack > Self.segmentBytes {
            sealed.append(current)
            current = []
        }
        if current.capacity < Self.segmentBytes { current.reserveCapacity(Self.segmentBytes) }
        blockStart = current.count
    }

    mutating func add(_ name: String, _ value: String) {
        LabelBlock.append(name, value, to: &current, opening: current.count == blockStart)
    }

    mutating func endBlock() {
        if current.count > blockStart { current.append(UInt8(ascii: "}")) }
        locations.append(UInt64(sealed.count) << 32 | UInt64(current.count))
    }

    subscript(index: Int) -> ArraySlice<UInt8> {
        let location = locations[index]
        let segment = Int(location >> 32)
        let end = Int(location & 0xFFFF_FFFF)
        var start = 0
        if index > 0, locations[index - 1] >> 32 == location >> 32 {
            start = Int(locations[index - 1] & 0xFFFF_FFFF)
        }
        return segment == sealed.count ? current[start..<end] : sealed[segment][start..<end]
    }
}
