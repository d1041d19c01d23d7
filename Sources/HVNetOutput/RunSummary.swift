import Foundation
import HVNetAnalysis
import HVNetSimulation
/// The run's summary.json.
package enum RunSummary {
    package static func json(_ r: Simulation.Result, scenarioPath: String?, commandLine: [String] = []) -> JSONValue {
        let s = r.scenario
        var members: [(String, JSONValue)] = [
            ("hvnet_version", .string(HVNetVersion.string)),
            ("status", .string(r.failure == nil ? "complete" : "incomplete")),
            ("command_line", .array(commandLine.map { .string($0) })),
        ]
        if let failure = r.failure { members.append(("error", .string(failure))) }
        members += [
            ("scenario", .object([
                ("name", .string(s.name)),
                ("file", scenarioPath.map { .string($0) } ?? .null),
                ("hash_fnv1a64", .string(s.sourceHash)),
                ("seed", .integer(Int(s.seed))),
                ("trials", .integer(s.trials)),
                ("cells", .integer(s.cellCount)),
                ("duration_ms", .number(s.durationMs)),
            ])),
            ("solver", .object([
                ("method", .string(s.solver.method.name)), ("order", .integer(s.solver.method.order)),
                ("dt_ms", s.solver.dtMs.map { .number($0) } ?? .null),
                ("rtol", s.solver.method.family == .fixedStep ? .null : .number(s.solver.options.rtol)),
                ("atol", s.solver.method.family == .fixedStep ? .null : .number(s.solver.options.atol)),
                ("noise_integration", .string(s.solver.noiseIntegration.rawValue)),
                ("noise_grid_ms", s.noiseModel == nil ? .null : .number(s.noiseGridMs)),
                ("noise_generator", s.noiseModel == nil ? .null : .string(s.noise.generator.rawValue)),
            ])),
            ("work", .object([
                ("rhs_evaluations", .integer(r.statistics.evaluations)),
                ("accepted_steps", .integer(r.statistics.acceptedSteps)),
                ("rejected_steps", .integer(r.statistics.rejectedSteps)),
                ("output_evaluations", .integer(r.statistics.outputEvaluations)),
                ("location_evaluations", .integer(r.statistics.locationEvaluations)),
                ("wall_time_s", .number(r.wallSeconds)),
                ("threads", .integer(r.threads)),
                ("cell_threads", .integer(r.cellThreads)),
            ])),
            ("populations", .array(r.populations.map {
                .object([
                    ("name", .string($0.name)), ("cells", .integer($0.cells)), ("spikes", .integer($0.spikes)),
                    ("mean_rate_hz", .number($0.meanRateHz)), ("mean_cv", .number($0.meanCV)), ("mean_cv2", .number($0.meanCV2)),
                    ("mean_fano_100ms", .number($0.meanFano)), ("chi_kernel_rate", .number($0.chi)),
                ])
            })),
            ("threshold_mV", .number(s.recording.thresholdMV)),
            ("spike_count", .integer(r.spikeCount)),
            ("spikes", r.spikeCount > 1_000 ? .string("more than 1000: see spikes.csv") : .array(r.spikes.map {
                .object([
                    ("trial", .integer($0.trial)), ("cell", .integer($0.cell)), ("time_ms", .number($0.timeMs)),
                    ("peak_mV", .number($0.peakMV)), ("peak_time_ms", .number($0.peakTimeMs)),
                ])
            })),
            ("trials_incomplete", .array(r.trials.filter { $0.failure != nil }.map {
                .object([("trial", .integer($0.index)), ("reached_ms", .number($0.reachedMs)), ("error", .string($0.failure!))])
            })),
            ("efficiency", .array(r.efficiency.map {
                .object([("cell", .integer($0.cell)), ("sodium", .number($0.sodium)), ("potassium", .number($0.potassium))])
            })),
            ("files", .array(r.files.map { .string($0) })),
        ]
        return .object(members)
    }
}

/// What a run directory's summary.json declares about the spike file beside it.
extension RunDirectory {
    /// The cell and trial counts of the run whose summary.json lies in the same directory as
    /// `path` (hvnet's `scenario.cells` and `scenario.trials`), or nil when there is no readable
    /// summary.json of hvnet there.
    public static func declared(besideSpikeFile path: String) -> (cells: Int, trials: Int)? {
        let summary = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("summary.json")
        guard let data = try? Data(contentsOf: summary),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], root["hvnet_version"] is String,
              let scenario = root["scenario"] as? [String: Any],
              let cells = scenario["cells"] as? Int, let trials = scenario["trials"] as? Int,
              (1...CellIds.limit).contains(cells), (1...100_000).contains(trials)
        else { return nil }
        return (cells, trials)
    }
}
