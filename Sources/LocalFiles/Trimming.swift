extension Substring {
    /// Without leading and trailing spaces, tabs and carriage returns: how settings files,
    /// token files and slurm.conf are read.
    public func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}
