import Foundation
import PropertyBased
import Testing
@testable import HVNetModel

@Suite("Transmembrane flux")
struct FluxTests {
    static let cell = CellParameters().normalized()
    static let transporters: [(String, NormalizedTransporter)] = [
        ("NaT", cell.nat), ("KaD", cell.kad), ("NaKa", cell.naka), ("AMPA", cell.ampa), ("GABAA", cell.gabaA),
    ]

    @Test("At r = 1/2 the exponential flux is 2A sinh((y − y_x)/2) for all five currents")
    func exponentialIsSinhAtHalfRectification() async {
        await propertyCheck(input: Gen.double(in: -6...6)) { y in
            for (name, t) in Self.transporters {
                let flux = t.flux(y, form: .exponential)
                let sinh = 2 * t.amplitude * Foundation.sinh((y - t.reversal) / 2)
                #expect(abs(flux - sinh) <= 1e-13 * max(abs(sinh), t.amplitude), "\(name) at y = \(y)")
            }
        }
    }

    /// The linear and cubic forms are the Taylor polynomials of degree 1 and 3 at u = 0: halving u
    /// divides the remainder by 2^(degree+1) when that Taylor coefficient is non-zero (r ≠ 1/2),
    /// and by at least that much at r = 1/2 where the next even coefficient vanishes.
    @Test("Linear and cubic forms are the first- and third-order Taylor expansions at u = 0",
          arguments: [0.3, 0.5, 0.7])
    func approximationsAreTaylorExpansions(rectification r: Double) {
        for (name, base) in Self.transporters {
            var t = base
            t.rectification = r
            func remainder(_ form: FluxForm, _ u: Double) -> Double {
                let y = t.reversal + u / t.charge  // u = η (y − y_x)
                return abs(t.flux(y, form: .exponential) - t.flux(y, form: form))
            }
            let u = 0.02
            let linearRatio = remainder(.linear, u) / remainder(.linear, u / 2)
            let cubicRatio = remainder(.cubic, u) / remainder(.cubic, u / 2)
            if r == 0.5 {
                #expect(linearRatio > 7.6 && linearRatio < 8.4, "\(name): linear remainder is O(u³) at r = 1/2, ratio \(linearRatio)")
                #expect(cubicRatio > 30.4 && cubicRatio < 33.6, "\(name): cubic remainder is O(u⁵) at r = 1/2, ratio \(cubicRatio)")
            } else {
                #expect(abs(linearRatio - 4) < 0.12, "\(name): linear remainder is O(u²), ratio \(linearRatio)")
                #expect(abs(cubicRatio - 16) < 0.5, "\(name): cubic remainder is O(u⁴), ratio \(cubicRatio)")
            }
            // All three forms vanish at the reversal potential and share the slope A η² there.
            for form in FluxForm.allCases {
                #expect(t.flux(t.reversal, form: form) == 0)
            }
        }
    }

    @Test("Outward currents are positive: K flows out and Na in at rest")
    func signConvention() {
        let y = -70 / 26.7
        #expect(Self.cell.kad.flux(y, form: .exponential) > 0)
        #expect(Self.cell.nat.flux(y, form: .exponential) < 0)
        #expect(Self.cell.ampa.flux(y, form: .exponential) < 0)
    }

    @Test("The pump reverses at 3 v_Na − 2 v_K + v_ATP = −70 mV")
    func pumpReversal() {
        #expect(CellParameters().pumpReversalMV == -70)
        #expect(abs(Self.cell.naka.reversal * 26.7 - -70) < 1e-12)
    }

    @Test("The logistic function does not overflow where the notebook's expSigmoid does")
    func logisticIsOverflowSafe() {
        #expect(logistic(800) == 1)
        #expect(logistic(-800) == 0)
        #expect(abs(logistic(0.3) - exp(0.3) / (1 + exp(0.3))) < 1e-15)
    }
}
