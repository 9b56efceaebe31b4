import Foundation
import ObservabilityCore
import Testing

@Suite("Job keys of several clusters")
struct JobKeyTests {
    @Test func aKeyGivesBackTheSchedulersIdWhateverTheClusterName() {
        #expect(JobKey.make(schedulerID: "123", cluster: nil) == "123")
        #expect(JobKey.make(schedulerID: "123", cluster: "alpha") == "alpha/123")
        #expect(JobKey.schedulerID(of: "alpha/123", cluster: "alpha") == "123")
        // Cluster names may hold a slash; job ids cannot, so the id is what follows the last.
        #expect(JobKey.schedulerID(of: "site/a/120_2", cluster: "site/a") == "120_2")
        // Jobs stored before clusters were told apart, or taken over: the key is the id.
        #expect(JobKey.schedulerID(of: "123", cluster: "alpha") == "123")
        #expect(JobKey.schedulerID(of: "alpha/", cluster: "alpha") == "alpha/")
        // A cluster renamed to another spelling of the same letters is not the key's prefix.
        #expect(JobKey.schedulerID(of: "\u{E9}/123", cluster: "e\u{301}") == "\u{E9}/123")
        #expect(JobKey.schedulerID(of: "e\u{301}/123", cluster: "\u{E9}") == "e\u{301}/123")
        #expect(JobKey.schedulerID(of: "\u{E9}/123", cluster: "\u{E9}") == "123")
        #expect(JobKey.appliedEventID("slurm:1:prolog", cluster: "beta") == "beta slurm:1:prolog")
        #expect(JobKey.appliedEventID("slurm:1:prolog", cluster: nil) == "slurm:1:prolog")
    }

    @Test func aKeyIsValidOnlyAsAClusterNameAndAJobId() throws {
        try JobLimits.validateJobKey("123")
        try JobLimits.validateJobKey("alpha/123")
        try JobLimits.validateJobKey("site/a/123")
        for bad in ["", "alpha/", "/123", "al pha/123", "alpha/12 3", "a,b/1"] {
            #expect(throws: ValidationError.self, "\(bad)") { try JobLimits.validateJobKey(bad) }
        }
    }

    @Test func aJobWhoseKeyIsNotItsClustersIsInvalid() throws {
        var job = Job(id: "beta/1", user: "ann", attributes: JobAttributes(cluster: "alpha"), submitTime: .init(timeIntervalSince1970: 0))
        #expect(throws: ValidationError.self) { try job.validate() }
        job.attributes.cluster = "beta"
        #expect(throws: Never.self) { try job.validate() }
        #expect(job.schedulerID == "1")
        // A job keyed by its cluster keeps it; one keyed by its id alone may gain one.
        var moved = JobUpdate.nothing
        moved.attributes.cluster = "alpha"
        let error = #expect(throws: ValidationError.self) { try job.applying(moved, now: .init(timeIntervalSince1970: 1)) }
        #expect(error?.field == "cluster")
        let bare = Job(id: "1", user: "ann", attributes: JobAttributes(cluster: "beta"), submitTime: .init(timeIntervalSince1970: 0))
        #expect(try bare.applying(moved, now: .init(timeIntervalSince1970: 1)).cluster == "alpha")
    }
}
