/// The run's summary.json.
enum RunSummary {
    static func json(_ r: Simulation.Result, scenarioPath: String?) -> JSONValue {
        let s = r.scenario
        var members: [(String, JSONValue)] = [
            ("hvnet_version", .string(HVNetVersion.string)),
            ("status", .string(r.failure == nil ? "complete" : "incomplete")),
        ]
        if let failure = r.failure { members.append(("error", .string(failure))) }
        members += [
            ("scenario", .object([
                ("name", .string(s.name)),
                ("file", scenarioPath.map { .string($0) } ?? .null),
                ("hash_fnv1a64", .string(s.sourceHash)),
                ("seed", .integer(Int(s.seed))),
                ("cells", .integer(s.cellCount)),
                ("duration_ms", .number(s.durationMs)),
            ])),
            ("solver", .object([("method", .string(s.solver.method)), ("dt_ms", .number(s.solver.dtMs))])),
            ("work", .object([
                ("rhs_evaluations", .integer(r.statistics.evaluations)),
                ("accepted_steps", .integer(r.statistics.acceptedSteps)),
                ("rejected_steps", .integer(r.statistics.rejectedSteps)),
                ("wall_time_s", .number(r.wallSeconds)),
            ])),
            ("threshold_mV", .number(s.recording.thresholdMV)),
            ("spike_count", .integer(r.spikes.count)),
            ("spikes", .array(r.spikes.map {
                .object([
                    ("cell", .integer($0.cell)), ("time_ms", .number($0.timeMs)),
                    ("peak_mV", .number($0.peakMV)), ("peak_time_ms", .number($0.peakTimeMs)),
                ])
            })),
            ("efficiency", .array(r.efficiency.map {
                .object([("cell", .integer($0.cell)), ("sodium", .number($0.sodium)), ("potassium", .number($0.potassium))])
            })),
            ("files", .array(r.files.map { .string($0) })),
        ]
        return .object(members)
    }
}
