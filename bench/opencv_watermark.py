#!/usr/bin/env python3
"""Anchor for the watermark benchmark: cv2.inpaint(INPAINT_TELEA, radius 5) on the marked photos Darkroom.Bench
wrote, scored like Darkroom: PSNR and SSIM (grey, 7x7 box windows) inside the true mask against the clean photo.
Needs Debian's python3-opencv; run with /usr/bin/python3. Prints: id, PSNR, SSIM, milliseconds."""
import sys, time, glob, os
import cv2
import numpy as np

def ssim_inside(a, b, inside):
    ga = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY).astype(np.float64) if a.ndim == 3 else a.astype(np.float64)
    gb = cv2.cvtColor(b, cv2.COLOR_BGR2GRAY).astype(np.float64) if b.ndim == 3 else b.astype(np.float64)
    k = (7, 7)
    ma, mb = cv2.blur(ga, k, borderType=cv2.BORDER_REFLECT), cv2.blur(gb, k, borderType=cv2.BORDER_REFLECT)
    va = cv2.blur(ga * ga, k, borderType=cv2.BORDER_REFLECT) - ma * ma
    vb = cv2.blur(gb * gb, k, borderType=cv2.BORDER_REFLECT) - mb * mb
    cov = cv2.blur(ga * gb, k, borderType=cv2.BORDER_REFLECT) - ma * mb
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    s = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
    return float(np.mean(s[inside]))

folder = sys.argv[1]
for marked_path in sorted(glob.glob(os.path.join(folder, "*.marked.png"))):
    name = os.path.basename(marked_path)[: -len(".marked.png")]
    marked = cv2.imread(marked_path)
    mask = cv2.imread(os.path.join(folder, name + ".mask.png"), cv2.IMREAD_GRAYSCALE)
    truth = cv2.imread(os.path.join(folder, name + ".truth.png"), cv2.IMREAD_GRAYSCALE) > 0
    clean = cv2.imread(os.path.join(folder, name + ".clean.png"))
    start = time.perf_counter()
    result = cv2.inpaint(marked, mask, 5, cv2.INPAINT_TELEA)
    ms = (time.perf_counter() - start) * 1000
    diff = result[truth].astype(np.float64) - clean[truth].astype(np.float64)
    psnr = 10 * np.log10(255.0 ** 2 / max(np.mean(diff * diff), 1e-9))
    print(f"{name}\t{psnr:.2f}\t{ssim_inside(result, clean, truth):.4f}\t{ms:.0f}")
