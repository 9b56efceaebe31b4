import ObservabilityCore
import StorageBackends
import Testing

/// Every form libpq accepts a password in, redacted through libpq's own parser. The hand-made
/// redaction this replaces missed `?password=` and `password = x`.
@Suite("Connection strings in logs")
struct ConnectionStringRedactionTests {
    @Test(arguments: [
        "postgres://hpc:s3cret@db:5432/hpc",
        "postgresql://hpc:s%33cret@db/hpc",
        "postgres://hpc@db/hpc?password=s3cret",
        "postgresql://db/hpc?user=hpc&password=s3cret&sslmode=prefer",
        "host=db user=hpc password=s3cret",
        "host=db user=hpc password = s3cret",
        "host=db user=hpc password='s3cret'",
        "password=s3cret host=db",
        "host=db sslpassword=s3cret",
    ])
    func secretsNeverShow(connectionString: String) {
        let description = DatabaseConfiguration.postgres(connectionString: connectionString).redactedDescription
        #expect(!description.contains("s3cret"), "\(description)")
        #expect(description.contains("password=***"), "\(description)")
        #expect(description.contains("host=db"), "\(description)")
    }

    @Test func whatIsNotSecretIsKeptAndQuotedAsLibpqReadsIt() {
        #expect(
            DatabaseConfiguration.postgres(connectionString: "postgres://hpc@db:5432/hpc").redactedDescription
                == "postgres:user=hpc dbname=hpc host=db port=5432"
        )
        #expect(
            DatabaseConfiguration.postgres(connectionString: "host=db application_name='a b'").redactedDescription
                == "postgres:host=db application_name='a b'"
        )
        #expect(DatabaseConfiguration.sqlite(path: "/var/lib/hpc-obs/jobs.db").redactedDescription == "sqlite:/var/lib/hpc-obs/jobs.db")
    }

    @Test(arguments: ["host=db password='s3cret", "postgres://hpc:s3cret@[db/hpc", "host=db s3cret"])
    func aStringLibpqCannotParseIsNotShown(connectionString: String) {
        let description = DatabaseConfiguration.postgres(connectionString: connectionString).redactedDescription
        #expect(!description.contains("s3cret"), "\(description)")
    }
}
