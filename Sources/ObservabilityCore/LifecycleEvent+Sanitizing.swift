extension LifecycleEvent {
    /// The event without the optional fields a store would refuse, and why each went.
    ///
    /// For hooks: a scheduler's odd value (a queue name with a space, a GPU count past the
    /// limit) must cost that value, not the job's start or end. What identifies the event (id,
    /// job id, kind, time, user) is kept as it is and still checked by ``validate()``.
    public func keepingValidFields() -> (event: LifecycleEvent, dropped: [ValidationError]) {
        var event = self
        var dropped: [ValidationError] = []
        func keep(_ check: () throws(ValidationError) -> Void) -> Bool {
            switch Result(catching: check) {
            case .success: return true
            case .failure(let error):
                dropped.append(error)
                return false
            }
        }
        if !keep({ () throws(ValidationError) in try JobLimits.validateNodes(nodes) }) { event.nodes = [] }
        let attributes = attributes.keepingValid()
        event.attributes = attributes.attributes
        dropped += attributes.dropped
        if let code = exitCode,
            !keep({ () throws(ValidationError) in try JobLimits.validateRange(code, field: "exitCode", JobLimits.exitCodeRange) })
        {
            event.exitCode = nil
        }
        if let start = startTime, !keep({ () throws(ValidationError) in try JobLimits.validateTime(start, field: "startTime") }) {
            event.startTime = nil
        }
        if let submit = submitTime, !keep({ () throws(ValidationError) in try JobLimits.validateTime(submit, field: "submitTime") }) {
            event.submitTime = nil
        }
        if !keep({ () throws(ValidationError) in try validateUsage() }) { event.usage = nil }
        return (event, dropped)
    }
}
