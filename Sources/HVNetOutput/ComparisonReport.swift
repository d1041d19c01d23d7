import Numerics
import HVNetSimulation
import Foundation

/// `hvnet compare` outputs: compare.csv, compare.json, work-precision.svg and a printed table.
public enum ComparisonReport {
    static func metricsJSON(_ m: Comparison.TrialMetrics) -> JSONValue {
        .object([
            ("rms_spike_error_ms", .number(m.rmsSpikeErrorMs)), ("matched", .integer(m.matched)), ("missed", .integer(m.missed)),
            ("extra", .integer(m.extra)), ("van_rossum", .number(m.vanRossum)), ("rms_voltage_error_mV", .number(m.rmsVoltageErrorMV)),
            ("rhs_evaluations", .integer(m.statistics.evaluations)), ("location_evaluations", .integer(m.statistics.locationEvaluations)),
            ("output_evaluations", .integer(m.statistics.outputEvaluations)), ("accepted_steps", .integer(m.statistics.acceptedSteps)),
            ("rejected_steps", .integer(m.statistics.rejectedSteps)), ("wall_time_s", .number(m.wallSeconds)),
            ("error", m.failure.map { .string($0) } ?? .null),
        ])
    }

    public static func json(_ r: Comparison.Result, scenario: String) -> JSONValue {
        .object([
            ("hvnet_version", .string(HVNetVersion.string)), ("scenario", .string(scenario)),
            ("duration_ms", .number(r.durationMs)), ("trials", .integer(r.options.trials)), ("noise_grid_ms", .number(r.noiseGridMs)),
            ("match_window_ms", .number(r.options.matchWindowMs)), ("van_rossum_tau_ms", .number(r.options.vanRossumTauMs)),
            ("voltage_grid_ms", .number(r.options.voltageGridMs)),
            ("reference", .string(r.reference.label)), ("reference_check", .string(r.check.label)),
            ("reference_discrepancy", .array(r.referenceDiscrepancy.map(metricsJSON))),
            ("reference_discrepancy_ms", .number(r.referenceDiscrepancyMs)),
            ("configurations", .array(r.rows.map { row in
                .object([
                    ("label", .string(row.configuration.label)), ("method", .string(row.configuration.method.name)),
                    ("order", .integer(row.configuration.method.order)), ("noise_integration", .string(row.configuration.noiseIntegration.rawValue)),
                    ("rms_spike_error_ms", .number(row.rmsSpikeError)), ("rms_spike_error_se_ms", .number(row.rmsSpikeErrorSE)),
                    ("mean_rhs_evaluations", .number(row.evaluations)), ("mean_location_evaluations", .number(row.locationEvaluations)),
                    ("median_wall_time_s", .number(row.medianWallSeconds)),
                    ("reference_discrepancy_ms", .number(r.referenceDiscrepancyMs)), ("at_reference_accuracy", .bool(r.isAtReferenceAccuracy(row))),
                    ("trials", .array(row.trials.map(metricsJSON))),
                ])
            })),
        ])
    }

    public static func csv(_ r: Comparison.Result) -> String {
        var s = "configuration,method,noise_integration,trial,rms_spike_error_ms,reference_discrepancy_ms,matched,missed,extra,van_rossum,rms_voltage_error_mV,rhs_evaluations,location_evaluations,accepted_steps,rejected_steps,wall_time_s,error\n"
        func f(_ x: Double) -> String { x.isFinite ? formatNumber(x) : "nan" }
        for row in r.rows {
            for (k, m) in row.trials.enumerated() {
                s += "\"\(row.configuration.label)\",\(row.configuration.method.name),\(row.configuration.noiseIntegration.rawValue),\(k),"
                let d = r.referenceDiscrepancy.indices.contains(k) ? r.referenceDiscrepancy[k].rmsSpikeErrorMs : .nan
                s += "\(f(m.rmsSpikeErrorMs)),\(f(d)),\(m.matched),\(m.missed),\(m.extra),\(f(m.vanRossum)),\(f(m.rmsVoltageErrorMV)),"
                s += "\(m.statistics.evaluations),\(m.statistics.locationEvaluations),\(m.statistics.acceptedSteps),\(m.statistics.rejectedSteps),\(f(m.wallSeconds)),\"\(m.failure ?? "")\"\n"
            }
        }
        return s
    }

    /// Spike-time error against evaluations and against wall time, log-log, one line per
    /// method and noise integration, with ± one standard error over trials.
    public static func workPrecision(_ r: Comparison.Result) -> String {
        var families: [String] = []
        for row in r.rows where !families.contains(row.configuration.family) { families.append(row.configuration.family) }
        func plot(_ x: (Comparison.Row) -> Double, _ label: String) -> SVGPlot {
            var p = SVGPlot(title: "work-precision: spike-time error vs \(label) (\(r.options.trials) trial(s))", xLabel: label, yLabel: "RMS spike-time error (ms)")
            p.logX = true
            p.logY = true
            p.decadeAxes = true
            for (k, family) in families.enumerated() {
                let rows = r.rows.filter { $0.configuration.family == family && $0.rmsSpikeError > 0 }.sorted { x($0) < x($1) }
                p.series.append(SVGPlot.Series(
                    label: family, x: rows.map(x), y: rows.map(\.rmsSpikeError), color: SVGPlot.palette[k % SVGPlot.palette.count], width: 1.6))
                var dots = SVGPlot.Series(label: "", x: rows.map(x), y: rows.map(\.rmsSpikeError), color: SVGPlot.palette[k % SVGPlot.palette.count], width: 3, markers: true)
                dots.errorBars = rows.map(\.rmsSpikeErrorSE)
                p.series.append(dots)
            }
            return p
        }
        let a = plot(\.evaluations, "right-hand-side evaluations").render()
        let b = plot(\.medianWallSeconds, "wall time (s, median)").render()
        // Stack the two plots in one SVG.
        func body(_ svg: String) -> String {
            let start = svg.index(after: svg.firstIndex(of: ">")!)
            let end = svg.range(of: "</svg>", options: .backwards)!.lowerBound
            return String(svg[start..<end])
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"900\">\n<g>\(body(a))</g>\n<g transform=\"translate(0,450)\">\(body(b))</g>\n</svg>\n"
    }

    /// The printed table: one line per configuration with its spike-time error, the reference's
    /// own discrepancy beside it ("ref. RMS ms") and "at ref." where the error is below twice that
    /// discrepancy (``Comparison/Result/isAtReferenceAccuracy(_:)``), then the work: the method's
    /// evaluations, those spent locating spikes ("locate"), rejected steps and wall time.
    public static func table(_ r: Comparison.Result) -> String {
        func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
        func lpad(_ text: String, _ width: Int) -> String { text.count >= width ? text : String(repeating: " ", count: width - text.count) + text }
        let width = max(14, (r.rows.map(\.configuration.label.count).max() ?? 0) + 1)
        let widths = [12, 9, 12, 7, 7, 6, 10, 10, 12, 9, 9, 9]
        let header = ["spike RMS ms", "± SE", "ref. RMS ms", "", "missed", "extra", "vanRossum", "RMS v mV", "evaluations", "locate", "rejected", "wall s"]
        var lines = [pad("configuration", width) + header.enumerated().map { lpad($1, widths[$0]) }.joined(separator: " ")]
        let discrepancy = r.referenceDiscrepancyMs
        // Errors measured against a failed reference, or of a configuration that failed, mean
        // nothing: their columns show "—" (the work columns stay: what the method did until it stopped).
        let referenceFailure = r.referenceDiscrepancy.first { $0.failure != nil }?.failure
        for row in r.rows {
            let missed = row.trials.reduce(0) { $0 + $1.missed }, extra = row.trials.reduce(0) { $0 + $1.extra }
            let rejected = row.trials.reduce(0) { $0 + $1.statistics.rejectedSteps } / row.trials.count
            let unusable = referenceFailure != nil || row.trials.contains { $0.failure != nil }
            let errors = unusable
                ? ["—", "—", referenceFailure != nil ? "—" : String(format: "%.2e", discrepancy), "", "—", "—", "—", "—"]
                : [String(format: "%.3e", row.rmsSpikeError), String(format: "%.1e", row.rmsSpikeErrorSE), String(format: "%.2e", discrepancy),
                   r.isAtReferenceAccuracy(row) ? "at ref." : "", "\(missed)", "\(extra)",
                   String(format: "%.4f", row.mean(\.vanRossum)), String(format: "%.2e", row.mean(\.rmsVoltageErrorMV))]
            let cells = errors + [String(format: "%.0f", row.evaluations), String(format: "%.0f", row.locationEvaluations), "\(rejected)",
                                  String(format: "%.3g", row.medianWallSeconds)]
            var line = pad(row.configuration.label, width) + cells.enumerated().map { lpad($1, widths[$0]) }.joined(separator: " ")
            if let failure = row.trials.first(where: { $0.failure != nil })?.failure { line += "  (failed: \(failure))" }
            lines.append(line)
        }
        let d = r.referenceDiscrepancy
        if let referenceFailure {
            lines.append("reference: \(r.reference.label); checked against \(r.check.label): failed (\(referenceFailure)); no configuration's error can be measured")
        } else {
            lines.append("reference: \(r.reference.label); checked against \(r.check.label): spike RMS difference \(String(format: "%.2e", discrepancy)) ms, missed \(d.reduce(0) { $0 + $1.missed }), extra \(d.reduce(0) { $0 + $1.extra })")
        }
        if referenceFailure == nil && r.rows.contains(where: { row in r.isAtReferenceAccuracy(row) && !row.trials.contains { $0.failure != nil } }) {
            lines.append("at ref.: error below twice the reference's own discrepancy; the comparison cannot resolve it further (use a finer --reference)")
        }
        return lines.joined(separator: "\n")
    }

    /// Writes compare.csv, compare.json and work-precision.svg; returns the file names.
    public static func write(_ r: Comparison.Result, scenario: String, to directory: String) throws -> [String] {
        try RunDirectory.makeDirectories(directory)
        let files = [("compare.csv", csv(r)), ("compare.json", json(r, scenario: scenario).rendered() + "\n"), ("work-precision.svg", workPrecision(r))]
        for (name, text) in files { try OutputFile.write(text, to: (directory as NSString).appendingPathComponent(name)) }
        return files.map(\.0)
    }
}
