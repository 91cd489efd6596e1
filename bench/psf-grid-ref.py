"""NumPy reference for bench/psf-grid.ts: the same PSF grid computation, timed in the same run.

Usage: /usr/bin/python3 bench/psf-grid-ref.py <family> '<json settings>'
Prints one JSON line {"family", "seconds", "checksum"}; a family without a reference here prints
{"family", "skipped": reason}. Add a function `grid_<family>(s)` to support another family.
"""
import json
import sys
import time

import numpy as np


def grid_gaussian(s):
    """Spec §3.2 + §4: elliptical Gaussian per position and channel, per-position normalisation."""
    H, W = s["sensor"]
    nh, nw = s["grid"]
    k = s["k"]
    p = s["psf"]
    chrom = np.array(p["chromatic"], dtype=np.float64)
    trans = np.array(p["chromatic_trans"], dtype=np.float64)
    inc = len(chrom)
    R = 0.5 * np.hypot(H, W)
    half = k / 2
    j = np.arange(k, dtype=np.float64)
    out = np.empty((inc, 1, nh, nw, k, k), dtype=np.float32)
    for iy in range(nh):
        # Cell-centre positions of one grid row (the bench uses centre sampling).
        x_img = (np.arange(nw) + 0.5) * W / nw - 0.5
        y_img = np.full(nw, (iy + 0.5) * H / nh - 0.5)
        xc0 = x_img - W // 2
        yc0 = y_img - H // 2
        row = np.empty((inc, nw, k, k), dtype=np.float64)
        for c in range(inc):
            offx = (xc0 / R) * half * chrom[c]
            offy = (yc0 / R) * half * chrom[c]
            xc = xc0 + np.trunc(offx)
            yc = yc0 + np.trunc(offy)
            rel = np.hypot(xc, yc) / R
            s1 = np.maximum(p["sigma1"] * 1.0, p["sigma_min"])
            s2 = np.maximum(p["sigma2"] * rel * (1 + chrom[c]), p["sigma_min"])
            th = np.arctan2(xc, yc) + np.pi / 2
            a = np.cos(th) ** 2 / (2 * s2 ** 2) + np.sin(th) ** 2 / (2 * s1 ** 2)
            b = -np.sin(2 * th) / (4 * s2 ** 2) + np.sin(2 * th) / (4 * s1 ** 2)
            d = np.sin(th) ** 2 / (2 * s2 ** 2) + np.cos(th) ** 2 / (2 * s1 ** 2)
            u = (j[None, None, :] - half + offx[:, None, None]) / half  # (nw, 1, k)
            v = (j[None, :, None] - half + offy[:, None, None]) / half  # (nw, k, 1)
            e = a[:, None, None] * u * u + 2 * b[:, None, None] * u * v + d[:, None, None] * v * v
            row[c] = np.exp(-e) * trans[c]
        tot = row.sum(axis=(0, 2, 3))
        tot[tot == 0] = 1
        row /= (tot / inc)[None, :, None, None]
        out[:, 0, iy] = row
    return out


def _zernike_mode(n, m, x, y):
    """Orthonormal Zernike (n, m) at pupil points (x right, y down), as src/optics/zernike.ts defines it."""
    from math import factorial
    rho, th = np.hypot(x, y), np.arctan2(y, x)
    am = abs(m)
    R = sum((-1) ** s * factorial(n - s) / (factorial(s) * factorial((n + am) // 2 - s) * factorial((n - am) // 2 - s)) * rho ** (n - 2 * s)
            for s in range((n - am) // 2 + 1))
    norm = np.sqrt(n + 1) if m == 0 else np.sqrt(2 * (n + 1))
    return norm * R * (np.cos(m * th) if m > 0 else np.sin(am * th) if m < 0 else 1.0)


def grid_zernike(s):
    """The zernike family (src/psf/families/zernike.ts): sampling plan, field law + random Zernike
    wavefront (OSA order, waves), grey-edge circular pupil, full fft2 of the padded pupil batched per
    grid row, window, q x q pixel binning, sum 1, then per-position normalisation. The random draws
    come from NumPy's generator (same law, different numbers)."""
    H, W = s["sensor"]
    nh, nw = s["grid"]
    k = s["k"]
    p = s["psf"]
    wavelengths = s["wavelengths_nm"]
    pitch = p.get("pixel_pitch_um") or s["pixel_pitch_um"]
    fN = p["f_number"]
    assert p.get("ordering", "osa") == "osa" and p.get("unit", "waves") == "waves" and not p.get("coefficients")
    assert p.get("obscuration", 0) == 0 and p.get("apodization_sigma") is None
    rnd = p.get("random")
    max_order = max([t["mode"][0] for t in p.get("field", [])] + [rnd["max_order"] if rnd else 0])
    modes = []
    for n in range(max_order + 1):
        for m in range(-n, n + 1, 2):
            modes.append((n, m))  # OSA order
    rng = np.random.default_rng(0)
    R = 0.5 * np.hypot(H, W)
    inc = len(wavelengths)
    plans = []
    for lam in wavelengths:
        lamN = lam / 1000 * fN
        q = p.get("oversample") or max(1, int(np.ceil(p.get("padding", 2) * pitch / lamN - 1e-9)))
        padding = q * lamN / pitch
        M = p.get("fft_size") or int(2 ** np.ceil(np.log2(max(np.ceil(p.get("pupil_samples", 64) * padding - 1e-9), k * q, 8))))
        Np = M / padding
        h = int(np.ceil(Np / 2)) + 1
        d = np.arange(-h, h + 1)
        cell = 2.0 / Np
        dx, dy = np.meshgrid(d, d)
        x, y = dx * cell, dy * cell
        sub = ((np.arange(8) + 0.5) / 8 - 0.5) * cell
        frac = (np.hypot(x[..., None, None] + sub[None, None, None, :], y[..., None, None] + sub[None, None, :, None]) <= 1).mean(axis=(-2, -1))
        r = np.hypot(x, y)
        amp = np.where(np.abs(r - 1) <= cell * np.sqrt(0.5), frac, (r <= 1).astype(float))
        sel = amp > 0
        ramp = -2 * np.pi * (0.5 if q % 2 == 0 else 0.0) * (dx[sel] + dy[sel]) / M
        B = np.stack([_zernike_mode(n, m, x[sel], y[sel]) for n, m in modes])
        t = (np.arange(k * q) - (k // 2) * q - q // 2) % M
        plans.append((M, q, amp[sel], dy[sel] % M, dx[sel] % M, ramp, B, t))
    idx = {nm: i for i, nm in enumerate(modes)}
    rand_slots = [i for i, (n, m) in enumerate(modes) if rnd and (1 if rnd["include_tilt"] else 2) <= n <= rnd["max_order"]]
    env = np.exp(-(rnd["decay"] if rnd else 0) * np.linspace(0, 20, len(rand_slots)) ** 2) if rand_slots else np.zeros(0)
    out = np.empty((inc, 1, nh, nw, k, k), dtype=np.float32)
    for iy in range(nh):
        xc = (np.arange(nw) + 0.5) * W / nw - W // 2
        yc = np.full(nw, (iy + 0.5) * H / nh - H // 2)
        hh = np.hypot(xc, yc) / R
        phi = np.arctan2(yc, xc)
        coef = np.zeros((nw, len(modes)))
        for term in p.get("field", []):
            n, m = term["mode"]
            v = sum(c * hh ** e for e, c in enumerate(term["c"]))
            if m == 0:
                coef[:, idx[(n, 0)]] += v
            else:
                coef[:, idx[(n, m)]] += v * np.cos(m * phi)
                coef[:, idx[(n, -m)]] += v * np.sin(m * phi)
        if rand_slots:
            sd = rnd["std"] + rnd["field_std"] * hh ** rnd["field_power"]
            coef[:, rand_slots] += rng.standard_normal((nw, len(rand_slots))) * sd[:, None] * env[None, :]
        row = np.empty((inc, nw, k, k))
        for c, (M, q, a, rows, cols, ramp, B, t) in enumerate(plans):
            field = np.zeros((nw, M, M), complex)
            field[:, rows, cols] = a * np.exp(1j * (2 * np.pi * (coef @ B) + ramp))
            I = np.abs(np.fft.fft2(field)) ** 2
            px = I[:, t][:, :, t].reshape(nw, k, q, k, q).sum(axis=(2, 4))
            row[c] = px / px.sum(axis=(1, 2), keepdims=True) * (p.get("chromatic_trans") or [1] * inc)[c]
        tot = row.sum(axis=(0, 2, 3))
        tot[tot == 0] = 1
        row /= (tot / inc)[None, :, None, None]
        out[:, 0, iy] = row
    return out


def main():
    family = sys.argv[1]
    s = json.loads(sys.argv[2])
    fn = globals().get(f"grid_{family}")
    if fn is None:
        print(json.dumps({"family": family, "skipped": "no NumPy reference for this family in bench/psf-grid-ref.py"}))
        return
    fn(s)  # warm-up on the same input (imports, allocator)
    t0 = time.perf_counter()
    out = fn(s)
    dt = time.perf_counter() - t0
    print(json.dumps({"family": family, "seconds": dt, "checksum": float(out.astype(np.float64).sum())}))


main()
