import EventTransport
import ObservabilityCore
import SchedulerFormats
import SchedulerHooks
import Testing

@Suite("Hook settings")
struct HookSettingsTests {
    @Test func theFileTakesKeyValueLinesCommentsQuotesAndExport() {
        let (values, problems) = SettingsFileParser.parse(
            """
            # service
            HPC_OBS_URL=http://obs:8080
            export HPC_OBS_TOKEN_FILE="/etc/hpc-obs/token"
              HPC_OBS_HOOK_TIMEOUT = '1.5'

            not a setting
            =nokey
            """
        )
        #expect(values == ["HPC_OBS_URL": "http://obs:8080", "HPC_OBS_TOKEN_FILE": "/etc/hpc-obs/token", "HPC_OBS_HOOK_TIMEOUT": "1.5"])
        #expect(problems.map(\.line) == [6, 7])
    }

    @Test func theEnvironmentOverridesTheFile() {
        let (settings, problems) = HookSettings.resolve(
            file: ["HPC_OBS_URL": "http://file:8080", "HPC_OBS_SPOOL_DIR": "/file/spool", "HPC_OBS_HOOK_TIMEOUT": "3"],
            environment: ["HPC_OBS_URL": "http://env:8080", "SLURM_JOB_ID": "1"]
        )
        #expect(problems.isEmpty)
        #expect(settings.destination == .service(url: "http://env:8080", tokenFile: nil))
        #expect(settings.spoolDirectory == "/file/spool" && settings.timeoutSeconds == 3)
    }

    @Test func withoutAURLTheHookWritesToTheStore() {
        let (settings, _) = HookSettings.resolve(file: ["DATABASE_URL": "/var/lib/hpc-obs/jobs.db"], environment: [:])
        #expect(settings.destination == .store(.sqlite(path: "/var/lib/hpc-obs/jobs.db")))
        #expect(settings.spoolDirectory == EventSpool.defaultDirectory)
        #expect(settings.timeoutSeconds == HookSettings.defaultTimeoutSeconds)
    }

    @Test func badOrMissingSettingsFallBackAndSayWhy() {
        let (nothing, nothingProblems) = HookSettings.resolve(file: [:], environment: [:])
        #expect(nothing.destination == .spoolOnly)
        #expect(nothingProblems.count == 1)
        let (bad, badProblems) = HookSettings.resolve(
            file: ["DATABASE_TYPE": "mysql", "DATABASE_URL": "x", "HPC_OBS_HOOK_TIMEOUT": "forever"],
            environment: [:]
        )
        #expect(bad.destination == .spoolOnly && bad.timeoutSeconds == HookSettings.defaultTimeoutSeconds)
        #expect(badProblems.count == 2)
    }

    @Test func thePBSFlavorIsNamedInAnyCaseAndAnUnknownOneIsReported() {
        let file = ["HPC_OBS_URL": "http://obs:8080"]
        #expect(HookSettings.resolve(file: file, environment: [:]).settings.pbsFlavor == nil)
        #expect(HookSettings.resolve(file: file.merging(["HPC_OBS_PBS_FLAVOR": "torque"]) { $1 }, environment: [:]).settings.pbsFlavor == .torque)
        #expect(HookSettings.resolve(file: file, environment: ["HPC_OBS_PBS_FLAVOR": "OpenPBS"]).settings.pbsFlavor == .openPBS)
        let (unknown, problems) = HookSettings.resolve(file: file, environment: ["HPC_OBS_PBS_FLAVOR": "PBSPro"])
        #expect(unknown.pbsFlavor == nil)
        #expect(problems == ["HPC_OBS_PBS_FLAVOR='PBSPro' is not OpenPBS or Torque; telling by the arguments"])
    }
}
