import Foundation
import HVNetOutput
import HVNetScenario
import Numerics

extension Sweep {
    /// Where a sweep's files live: `DIR/points/NNNN/` per point (NNNN zero-padded to at least 4
    /// digits), temporary point directories `DIR/points/.NNNN.partial-PID`, tables in `DIR`.
    struct Layout {
        let directory: String
        let points: Int
        var pointsDirectory: String { (directory as NSString).appendingPathComponent("points") }
        var width: Int { max(4, String(max(points - 1, 0)).count) }

        func name(_ i: Int) -> String {
            let digits = String(i)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        func pointDirectory(_ i: Int) -> String { (pointsDirectory as NSString).appendingPathComponent(name(i)) }
        func temporaryDirectory(_ i: Int) -> String {
            (pointsDirectory as NSString).appendingPathComponent(".\(name(i)).partial-\(ProcessInfo.processInfo.processIdentifier)")
        }
        func file(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

        func createDirectories() throws {
            try RunDirectory.makeDirectories(pointsDirectory)
        }

        struct Record {
            var complete: Bool
            var hash: String
            var error: String?
            var wallSeconds: Double?
        }

        /// The point's record, nil when its directory is not there (or has no record).
        func record(_ i: Int) throws -> Record? {
            let path = (pointDirectory(i) as NSString).appendingPathComponent("point.json")
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let status = object["status"] as? String, let hash = object["scenario_hash_fnv1a64"] as? String
            else { throw SweepRunError.unreadable("\(path) is not a point record of hvnet sweep; remove it or use another --out") }
            return Record(complete: status == "complete", hash: hash, error: object["error"] as? String,
                          wallSeconds: object["wall_time_s"] as? Double)
        }

        /// Renames a finished temporary point directory into place, replacing an older one.
        func publish(_ temporary: String, as final: String) throws {
            OutputGate.waitIfStopping()  // the signal handler removes partial points instead
            if rename(temporary, final) == 0 { return }
            let fm = FileManager.default
            let old = final + ".old-\(ProcessInfo.processInfo.processIdentifier)"
            try? fm.removeItem(atPath: old)
            guard rename(final, old) == 0, rename(temporary, final) == 0 else {
                throw OutputError.cannotCreate(path: final, reason: String(cString: strerror(errno)))
            }
            try? fm.removeItem(atPath: old)
        }

        struct State {
            var missing: [Int] = []
            var failed: [Int] = []
            var records: [Record?] = []
        }

        func survey(_ plan: SweepPlan) throws -> State {
            var state = State()
            for point in plan.points {
                let r = try record(point.index)
                if let r, r.hash != point.scenario.sourceHash { throw SweepRunError.foreignPoint(pointDirectory(point.index)) }
                if r == nil { state.missing.append(point.index) } else if r?.complete == false { state.failed.append(point.index) }
                state.records.append(r)
            }
            return state
        }
    }

    /// Writes points.csv, results.csv, summary.csv, sweep.json and the plots from the point
    /// directories. Every file is replaced atomically, and the same directories give the same
    /// bytes (sweep.json aside, whose timing fields and command line vary).
    static func writeTables(_ plan: SweepPlan, layout: Layout, options: Options) throws {
        let keyHeader = plan.keys.map(SweepPlan.csvField).joined(separator: ",")
        let keyColumns = plan.keys.isEmpty ? "" : keyHeader + ","
        func prefix(_ p: SweepPlan.Point) -> String {
            "\(p.index)," + (plan.keys.isEmpty ? "" : p.values.map(SweepPlan.csvField).joined(separator: ",") + ",")
        }
        try OutputFile.write(to: layout.file("points.csv")) { out in
            out.write("point,\(keyColumns)seed\n")
            for p in plan.points { out.write(prefix(p) + "\(p.seed)\n") }
        }

        // Per point: the rows of results.csv as fields, read back from the point directory.
        var perPoint: [[[String]]] = []
        for p in plan.points {
            let path = (layout.pointDirectory(p.index) as NSString).appendingPathComponent("rows.csv")
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw SweepRunError.unreadable("cannot read \(path); remove \(layout.pointDirectory(p.index)) and rerun with --resume")
            }
            perPoint.append(SweepPlan.readCSV(text))
        }
        let columns = ["trial", "population", "cells", "n_spikes"] + metrics + ["status"]
        try OutputFile.write(to: layout.file("results.csv")) { out in
            out.write("point,\(keyColumns)" + columns.joined(separator: ",") + "\n")
            for (p, rows) in zip(plan.points, perPoint) {
                for row in rows { out.write(prefix(p) + row.map(SweepPlan.csvField).joined(separator: ",") + "\n") }
            }
        }

        // summary.csv: mean and standard error over the complete trials, per point and population.
        let summaryMetrics = ["n_spikes"] + metrics
        var means: [[String: [String: (Double, Double)]]] = []   // point → population → metric → (mean, sem)
        try OutputFile.write(to: layout.file("summary.csv")) { out in
            out.write("point,\(keyColumns)population,trials," + summaryMetrics.map { "\($0)_mean,\($0)_sem" }.joined(separator: ",") + "\n")
            for (p, rows) in zip(plan.points, perPoint) {
                var byPopulation: [String: (Double, Double)] = [:]
                var table: [String: [String: (Double, Double)]] = [:]
                for population in p.scenario.populations.map(\.name) {
                    let complete = rows.filter { $0.count == columns.count && $0[1] == population && $0.last == "complete" }
                    var fields: [String] = []
                    for m in summaryMetrics {
                        let j = columns.firstIndex(of: m)!
                        let values = complete.compactMap { Double($0[j]) }.filter(\.isFinite)
                        let (mean, sem) = meanAndStandardError(values)
                        byPopulation[m] = (mean, sem)
                        fields += [formatNumber(mean), formatNumber(sem)]
                    }
                    table[population] = byPopulation
                    out.write(prefix(p) + "\(SweepPlan.csvField(population)),\(complete.count)," + fields.joined(separator: ",") + "\n")
                }
                means.append(table)
            }
        }

        // sweep.json: the resolved sweep and each point's status.
        let state = try layout.survey(plan)
        let json = JSONValue.object([
            ("hvnet_version", .string(HVNetVersion.string)),
            ("command_line", .array(options.commandLine.map { .string($0) })),
            ("name", .string(plan.name)),
            ("status", .string(state.failed.isEmpty ? "complete" : "some points failed")),
            ("noise", .string(plan.noise.rawValue)),
            ("mode", .string(plan.mode.rawValue)),
            ("keys", .array(plan.keys.map { .string($0) })),
            ("axes", .array(zip(plan.keys, plan.axisValues).map { .object([("key", .string($0.0)), ("values", .array($0.1.map { .string($0) }))]) })),
            ("scenario_file", plan.scenarioPath.map { .string($0) } ?? .null),
            ("scenario", .string(plan.base.yaml)),
            ("sweep_file", .string(plan.sourceText)),
            ("points", .array(zip(plan.points, state.records).map { p, r in
                .object([
                    ("point", .integer(p.index)),
                    ("values", .array(p.values.map { .string($0) })),
                    ("seed", .string(String(p.seed))),
                    ("status", .string(r?.complete == true ? "complete" : "failed")),
                    ("error", r?.error.map { .string($0) } ?? .null),
                    ("directory", .string("points/\(layout.name(p.index))")),
                    ("wall_time_s", r?.wallSeconds.map { .number($0) } ?? .null),
                ])
            })),
        ])
        try OutputFile.write(json.rendered() + "\n", to: layout.file("sweep.json"))
        try writePlots(plan, layout: layout, means: means)
    }

    /// Mean and standard error (sample SD / √n); NaN where undefined.
    static func meanAndStandardError(_ v: [Double]) -> (Double, Double) {
        guard !v.isEmpty else { return (.nan, .nan) }
        let n = Double(v.count)
        let mean = v.reduce(0, +) / n
        guard v.count > 1 else { return (mean, .nan) }
        let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, (variance / n).squareRoot())
    }

    /// One axis: each metric against the axis, one line per population, standard-error bars.
    /// Two axes of a grid: one heat map per metric and population.
    static func writePlots(_ plan: SweepPlan, layout: Layout, means: [[String: [String: (Double, Double)]]]) throws {
        let populations = plan.points.first?.scenario.populations.map(\.name) ?? []
        if plan.keys.count == 1 {
            let labels = plan.points.map { $0.values[0] }
            let numeric = labels.compactMap { Double($0) }
            let x = numeric.count == labels.count ? numeric : labels.indices.map(Double.init)
            for m in metrics {
                var plot = SVGPlot(title: "\(m) against \(plan.keys[0])", xLabel: plan.keys[0], yLabel: m)
                for (k, population) in populations.enumerated() {
                    let stats = means.map { $0[population]?[m] ?? (.nan, .nan) }
                    var series = SVGPlot.Series(
                        label: population, x: x, y: stats.map(\.0), color: SVGPlot.palette[k % SVGPlot.palette.count], width: 3.5, markers: true)
                    series.errorBars = stats.map { $0.1.isFinite ? $0.1 : 0 }
                    plot.series.append(series)
                }
                try OutputFile.write(plot.render(), to: layout.file("plot-\(m).svg"))
            }
        } else if plan.keys.count == 2, plan.mode == .grid {
            let rows = plan.axisValues[0], cols = plan.axisValues[1]
            for m in metrics {
                for population in populations {
                    let matrix = rows.indices.map { i in
                        cols.indices.map { j in means[i * cols.count + j][population]?[m]?.0 ?? .nan }
                    }
                    var map = SVGHeatmap(title: "\(m), population \(population)", matrix: matrix)
                    map.rowLabels = rows
                    map.columnLabels = cols
                    map.rowTitle = plan.keys[0]
                    map.columnTitle = plan.keys[1]
                    try OutputFile.write(map.render(), to: layout.file("heatmap-\(m)-\(safeName(population)).svg"))
                }
            }
        }
    }

    static func safeName(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}
