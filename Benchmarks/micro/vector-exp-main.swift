// Throughput of VectorExp.exp (Sources/Numerics/VectorExp.swift, compiled into this program):
// 4096 arguments in [−12, 4] (the range of y/2 and b g_w y in a network), summed so that nothing
// is optimised away; the best of 15 repetitions of 2000 passes. Built and run by vector-exp.sh.
import Glibc

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + 1e-9 * Double(ts.tv_nsec)
}

@main
enum VectorExpBenchmark {
    static func main() {
        let count = 4096, passes = 2000
        var arguments = [Double](repeating: 0, count: count)
        for i in 0..<count { arguments[i] = -12 + 16 * Double(i) / Double(count) }
        var best = Double.infinity
        var total = SIMD4<Double>()
        arguments.withUnsafeBufferPointer { buffer in
            let p = UnsafeRawPointer(buffer.baseAddress!)
            for _ in 0..<15 {
                let start = now()
                var sum = SIMD4<Double>()
                for _ in 0..<passes {
                    for b in stride(from: 0, to: count, by: 4) {
                        sum += VectorExp.exp(p.loadUnaligned(fromByteOffset: 8 * b, as: SIMD4<Double>.self))
                    }
                }
                best = min(best, now() - start)
                total += sum
            }
        }
        let exps = Double(count * passes)
        print("VectorExp: \(best / exps * 1e9) ns per exp, \(exps / best / 1e6) M exp/s (best of 15; checksum \(total.sum()))")
    }
}
