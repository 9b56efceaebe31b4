import MetricsExposition
import Testing

@Suite("Exposition text")
struct MetricsWriterTests {
    func text(_ writer: MetricsWriter) -> String { String(decoding: writer.bytes, as: UTF8.self) }

    @Test func familiesCarryHelpAndType() {
        var writer = MetricsWriter(format: .prometheusText)
        writer.family("hpc_job_total", type: .counter, help: "Jobs ever recorded.")
        writer.sample("hpc_job_total", Int64(42))
        writer.finish()
        #expect(text(writer) == "# HELP hpc_job_total Jobs ever recorded.\n# TYPE hpc_job_total counter\nhpc_job_total 42\n")
    }

    @Test func openMetricsNamesCounterFamiliesWithoutTotalAndEndsWithEOF() {
        var writer = MetricsWriter(format: .openMetrics)
        writer.family("hpc_job_total", type: .counter, help: "Jobs ever recorded.")
        writer.sample("hpc_job_total", Int64(42))
        writer.family("hpc_job_state_total", type: .gauge, help: "Jobs per state.")
        writer.finish()
        #expect(
            text(writer) == """
                # HELP hpc_job Jobs ever recorded.
                # TYPE hpc_job counter
                hpc_job_total 42
                # HELP hpc_job_state_total Jobs per state.
                # TYPE hpc_job_state_total gauge
                # EOF

                """
        )
    }

    @Test func labelValuesAreEscaped() {
        let block = MetricsWriter.labelBlock([("user", #"a"b\c"# + "\nd"), ("node", "nœud-1"), ("empty", "")])
        #expect(String(decoding: block, as: UTF8.self) == #"{user="a\"b\\c\nd",node="nœud-1",empty=""}"#)
        #expect(MetricsWriter.labelBlock([]).isEmpty)
    }

    @Test func helpEscapesBackslashAndNewlineButNotQuotes() {
        var writer = MetricsWriter(format: .prometheusText)
        writer.family("x", type: .gauge, help: "a \"quoted\" back\\slash\nnext")
        #expect(text(writer).hasPrefix(#"# HELP x a "quoted" back\\slash\nnext"# + "\n"))
    }

    @Test(arguments: [
        (75.5, "75.5"), (4096, "4096"), (0, "0"), (-2, "-2"), (1e-5, "1e-05"), (1e20, "1e+20"), (.infinity, "+Inf"), (-.infinity, "-Inf"),
        (.nan, "NaN"),
    ])
    func valuesUseThePrometheusSpellings(value: Double, expected: String) {
        var writer = MetricsWriter(format: .prometheusText)
        writer.sample("x", value)
        #expect(text(writer) == "x \(expected)\n")
    }
}

@Suite("Content negotiation")
struct ExpositionFormatTests {
    @Test(
        arguments: [
            (nil, ExpositionFormat.prometheusText),
            ("", .prometheusText),
            ("*/*", .prometheusText),
            ("text/plain", .prometheusText),
            ("application/openmetrics-text", .openMetrics),
            ("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1", .openMetrics),
            ("application/openmetrics-text; version=0.0.1; q=0.75, text/plain; version=0.0.4; q=0.5", .prometheusText),
            ("text/plain;q=0.9, application/openmetrics-text;q=0.5", .prometheusText),
            ("application/json", .prometheusText),
        ] as [(String?, ExpositionFormat)]
    )
    func acceptPicksTheFormat(accept: String?, expected: ExpositionFormat) {
        #expect(ExpositionFormat.negotiate(accept: accept) == expected)
    }

    @Test func contentTypesNameTheVersion() {
        #expect(ExpositionFormat.prometheusText.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(ExpositionFormat.openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }
}
