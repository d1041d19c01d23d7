/// ISI-distance, SPIKE-distance and SPIKE-synchronization with the conventions of PySpike 0.9.0
/// (Kreuz et al., J. Neurosci. Methods 165:151 (2007), 222:1 (2013), and J. Neurophysiol.
/// 113:3277 (2015); Mulansky & Kreuz, SoftwareX 5:183 (2016)), including its edge corrections:
/// the first and last ISIs are stretched to the window edges, an empty train is replaced by
/// auxiliary spikes at the window edges for the two distances, and MRTS = 0 (no adaptive
/// threshold). Each bivariate value is computed in one merged sweep, O(n₁ + n₂).
///
/// SPIKE-synchronization gives an isolated spike a coincidence window of up to half the
/// recording (PySpike's `max_tau = None`); hvnet follows PySpike here for parity.
public enum PySpikeMeasures {
    /// PySpike's `get_spikes_non_empty`: an empty train becomes [t_start, t_end].
    static func nonEmpty(_ s: [Double], _ t0: Double, _ t1: Double) -> [Double] { s.isEmpty ? [t0, t1] : s }

    /// Time-averaged bivariate ISI-distance on [t0, t1].
    public static func isiDistance(_ a: [Double], _ b: [Double], start t0: Double, end t1: Double) -> Double {
        let s1 = nonEmpty(a, t0, t1), s2 = nonEmpty(b, t0, t1)
        let n1 = s1.count, n2 = s2.count
        var nu1: Double, nu2: Double
        var i1: Int, i2: Int
        if s1[0] > t0 {
            nu1 = n1 > 1 ? max(s1[0] - t0, s1[1] - s1[0]) : s1[0] - t0
            i1 = -1
        } else {
            nu1 = n1 > 1 ? s1[1] - s1[0] : t1 - s1[0]
            i1 = 0
        }
        if s2[0] > t0 {
            nu2 = n2 > 1 ? max(s2[0] - t0, s2[1] - s2[0]) : s2[0] - t0
            i2 = -1
        } else {
            nu2 = n2 > 1 ? s2[1] - s2[0] : t1 - s2[0]
            i2 = 0
        }
        var value = 0.0
        var last = t0
        var current = abs(nu1 - nu2) / max(nu1, nu2)
        while i1 + i2 < n1 + n2 - 2 {
            let t: Double
            if i1 < n1 - 1 && (i2 == n2 - 1 || s1[i1 + 1] < s2[i2 + 1]) {
                i1 += 1
                t = s1[i1]
                nu1 = i1 < n1 - 1 ? s1[i1 + 1] - s1[i1] : (n1 > 1 ? max(t1 - s1[i1], nu1) : t1 - s1[i1])
            } else if i2 < n2 - 1 && (i1 == n1 - 1 || s1[i1 + 1] > s2[i2 + 1]) {
                i2 += 1
                t = s2[i2]
                nu2 = i2 < n2 - 1 ? s2[i2 + 1] - s2[i2] : (n2 > 1 ? max(t1 - s2[i2], nu2) : t1 - s2[i2])
            } else {
                i1 += 1
                i2 += 1
                t = s1[i1]
                nu1 = i1 < n1 - 1 ? s1[i1 + 1] - s1[i1] : (n1 > 1 ? max(t1 - s1[i1], nu1) : t1 - s1[i1])
                nu2 = i2 < n2 - 1 ? s2[i2 + 1] - s2[i2] : (n2 > 1 ? max(t1 - s2[i2], nu2) : t1 - s2[i2])
            }
            value += current * (t - last)
            current = abs(nu1 - nu2) / max(nu1, nu2)
            last = t
        }
        value += current * (t1 - last)
        return value / (t1 - t0)
    }

    /// min |t − s[k]| over k ≥ `from`, also against the auxiliary edges `lo` and `hi` (PySpike's
    /// `get_min_dist`, which stops at the first increase).
    @inline(__always)
    static func minimumDistance(_ t: Double, _ s: [Double], from start: Int, _ lo: Double, _ hi: Double) -> Double {
        var d = abs(t - lo)
        var k = max(start, 0)
        while k < s.count {
            let candidate = abs(t - s[k])
            if candidate > d { return d }
            d = candidate
            k += 1
        }
        let end = abs(hi - t)
        return end > d ? d : end
    }

    /// The instantaneous SPIKE-distance at MRTS = 0, rate-dependent form.
    @inline(__always)
    static func distanceAt(_ isi1: Double, _ isi2: Double, _ s1: Double, _ s2: Double) -> Double {
        let mean = 0.5 * (isi1 + isi2)
        return 0.5 * (s1 * isi2 + s2 * isi1) / (mean * mean)
    }

    /// Time-averaged bivariate SPIKE-distance on [t0, t1] (a port of PySpike's
    /// `spike_distance_cython`, MRTS = 0, RI = false).
    public static func spikeDistance(_ a: [Double], _ b: [Double], start t0: Double, end tEnd: Double) -> Double {
        let t1 = nonEmpty(a, t0, tEnd), t2 = nonEmpty(b, t0, tEnd)
        let n1 = t1.count, n2 = t2.count
        let aux1 = (n1 > 1 ? min(t0, 2 * t1[0] - t1[1]) : t0, n1 > 1 ? max(tEnd, 2 * t1[n1 - 1] - t1[n1 - 2]) : tEnd)
        let aux2 = (n2 > 1 ? min(t0, 2 * t2[0] - t2[1]) : t0, n2 > 1 ? max(tEnd, 2 * t2[n2 - 1] - t2[n2 - 2]) : tEnd)
        var tp1 = t1[0] == t0 ? t0 : aux1.0
        var tp2 = t2[0] == t0 ? t0 : aux2.0
        var tf1: Double, tf2: Double, dtf1: Double, dtf2: Double, dtp1: Double, dtp2: Double
        var isi1: Double, isi2: Double, s1: Double, s2: Double
        var i1: Int, i2: Int
        if t1[0] > t0 {
            tf1 = t1[0]
            dtf1 = minimumDistance(tf1, t2, from: 0, aux2.0, aux2.1)
            isi1 = n1 > 1 ? max(tf1 - t0, t1[1] - t1[0]) : tf1 - t0
            dtp1 = dtf1
            s1 = dtp1
            i1 = -1
        } else {
            tf1 = n1 > 1 ? t1[1] : tEnd
            dtf1 = minimumDistance(tf1, t2, from: 0, aux2.0, aux2.1)
            dtp1 = minimumDistance(tp1, t2, from: 0, aux2.0, aux2.1)
            isi1 = tf1 - t1[0]
            s1 = dtp1
            i1 = 0
        }
        if t2[0] > t0 {
            tf2 = t2[0]
            dtf2 = minimumDistance(tf2, t1, from: 0, aux1.0, aux1.1)
            dtp2 = dtf2
            isi2 = n2 > 1 ? max(tf2 - t0, t2[1] - t2[0]) : tf2 - t0
            s2 = dtp2
            i2 = -1
        } else {
            tf2 = n2 > 1 ? t2[1] : tEnd
            dtf2 = minimumDistance(tf2, t1, from: 0, aux1.0, aux1.1)
            dtp2 = minimumDistance(tp2, t1, from: 0, aux1.0, aux1.1)
            isi2 = tf2 - t2[0]
            s2 = dtp2
            i2 = 0
        }
        var yStart = distanceAt(isi1, isi2, s1, s2)
        var value = 0.0
        var last = t0
        func lastISI(_ t: [Double], _ n: Int) -> Double { n > 1 ? max(tEnd - t[n - 1], t[n - 1] - t[n - 2]) : tEnd - t[n - 1] }
        while i1 + i2 < n1 + n2 - 2 {
            let current: Double
            if i1 < n1 - 1 && (tf1 < tf2 || i2 == n2 - 1) {
                i1 += 1
                s1 = dtf1 * (tf1 - tp1) / isi1
                dtp1 = dtf1
                tp1 = tf1
                tf1 = i1 < n1 - 1 ? t1[i1 + 1] : aux1.1
                current = tp1
                s2 = (dtp2 * (tf2 - tp1) + dtf2 * (tp1 - tp2)) / isi2
                let yEnd = distanceAt(isi1, isi2, s1, s2)
                value += 0.5 * (yStart + yEnd) * (current - last)
                if i1 < n1 - 1 {
                    dtf1 = minimumDistance(tf1, t2, from: i2, aux2.0, aux2.1)
                    isi1 = tf1 - tp1
                } else {
                    dtf1 = dtp1
                    isi1 = lastISI(t1, n1)
                }
                s1 = dtp1
                yStart = distanceAt(isi1, isi2, s1, s2)
            } else if i2 < n2 - 1 && (tf1 > tf2 || i1 == n1 - 1) {
                i2 += 1
                s2 = dtf2 * (tf2 - tp2) / isi2
                dtp2 = dtf2
                tp2 = tf2
                tf2 = i2 < n2 - 1 ? t2[i2 + 1] : aux2.1
                current = tp2
                s1 = (dtp1 * (tf1 - tp2) + dtf1 * (tp2 - tp1)) / isi1
                let yEnd = distanceAt(isi1, isi2, s1, s2)
                value += 0.5 * (yStart + yEnd) * (current - last)
                if i2 < n2 - 1 {
                    dtf2 = minimumDistance(tf2, t1, from: i1, aux1.0, aux1.1)
                    isi2 = tf2 - tp2
                } else {
                    dtf2 = dtp2
                    isi2 = lastISI(t2, n2)
                }
                s2 = dtp2
                yStart = distanceAt(isi1, isi2, s1, s2)
            } else {
                i1 += 1
                i2 += 1
                tp1 = tf1
                tp2 = tf2
                dtp1 = 0
                dtp2 = 0
                current = tf1
                value += 0.5 * yStart * (current - last)
                yStart = 0
                if i1 < n1 - 1 {
                    tf1 = t1[i1 + 1]
                    dtf1 = minimumDistance(tf1, t2, from: i2, aux2.0, aux2.1)
                    isi1 = tf1 - tp1
                } else {
                    tf1 = aux1.1
                    dtf1 = dtp1
                    isi1 = lastISI(t1, n1)
                }
                if i2 < n2 - 1 {
                    tf2 = t2[i2 + 1]
                    dtf2 = minimumDistance(tf2, t1, from: i1, aux1.0, aux1.1)
                    isi2 = tf2 - tp2
                } else {
                    tf2 = aux2.1
                    dtf2 = dtp2
                    isi2 = lastISI(t2, n2)
                }
            }
            last = current
        }
        let yEnd = distanceAt(isi1, isi2, dtf1, dtf2)
        value += 0.5 * (yStart + yEnd) * (tEnd - last)
        return value / (tEnd - t0)
    }

    /// The coincidence window of spikes i (train 1) and j (train 2), PySpike's `get_tau` at MRTS = 0.
    @inline(__always)
    static func coincidenceWindow(_ s1: [Double], _ s2: [Double], _ i: Int, _ j: Int, _ maxTau: Double) -> Double {
        var mF1 = maxTau, mP1 = maxTau, mF2 = maxTau, mP2 = maxTau
        if i < s1.count - 1 && i > -1 { mF1 = s1[i + 1] - s1[i] }
        if j < s2.count - 1 && j > -1 { mF2 = s2[j + 1] - s2[j] }
        if i > 0 { mP1 = s1[i] - s1[i - 1] }
        if j > 0 { mP2 = s2[j] - s2[j - 1] }
        mF1 /= 2; mF2 /= 2; mP1 /= 2; mP2 /= 2
        // PySpike's Interpolate(a, b, t) at t = MRTS/4 = 0 returns min(a, b).
        return min(mF1, mF2, mP1, mP2)
    }

    /// Summed coincidences and multiplicity of two trains (PySpike's `coincidence_value_cython`,
    /// max_tau = None, MRTS = 0).
    public static func coincidences(_ s1: [Double], _ s2: [Double], start t0: Double, end t1: Double) -> (coincidences: Double, multiplicity: Double) {
        let n1 = s1.count, n2 = s2.count
        let maxTau = t1 - t0
        var i = -1, j = -1
        var c = 0.0, m = 0.0
        while i + j < n1 + n2 - 2 {
            if i < n1 - 1 && (j == n2 - 1 || s1[i + 1] < s2[j + 1]) {
                i += 1
                m += 1
                if j > -1 && s1[i] - s2[j] < coincidenceWindow(s1, s2, i, j, maxTau) { c += 2 }
            } else if j < n2 - 1 && (i == n1 - 1 || s1[i + 1] > s2[j + 1]) {
                j += 1
                m += 1
                if i > -1 && s2[j] - s1[i] < coincidenceWindow(s1, s2, i, j, maxTau) { c += 2 }
            } else {
                i += 1
                j += 1
                m += 2
                c += 2
            }
        }
        return (c, m)
    }

    /// Bivariate SPIKE-synchronization: coincidences / multiplicity, 1 when both trains are empty.
    public static func spikeSync(_ a: [Double], _ b: [Double], start t0: Double, end t1: Double) -> Double {
        let (c, m) = coincidences(a, b, start: t0, end: t1)
        return m == 0 ? 1 : c / m
    }
}
