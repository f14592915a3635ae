#!/usr/bin/env python3
"""Reference for the inpainting benchmark: cv2.inpaint(INPAINT_TELEA) on the pairs Darkroom.Bench wrote.
Needs Debian's python3-opencv (apt-get install python3-opencv); run with /usr/bin/python3.
Prints one line per image: name, milliseconds (best of N), PSNR inside the mask against the clean photo."""
import sys, time, glob, os
import cv2
import numpy as np

folder, repeat, radius = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for marked_path in sorted(glob.glob(os.path.join(folder, "*.marked.png"))):
    name = os.path.basename(marked_path)[: -len(".marked.png")]
    marked = cv2.imread(marked_path)
    mask = cv2.imread(os.path.join(folder, name + ".mask.png"), cv2.IMREAD_GRAYSCALE)
    clean = cv2.imread(os.path.join(folder, name + ".clean.png"))
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = cv2.inpaint(marked, mask, radius, cv2.INPAINT_TELEA)
        elapsed = (time.perf_counter() - start) * 1000
        best = elapsed if best is None else min(best, elapsed)
    inside = mask > 0
    diff = result[inside].astype(np.float64) - clean[inside].astype(np.float64)
    psnr = 10 * np.log10(255.0 ** 2 / np.mean(diff * diff))
    print(f"{name}\t{best:.1f}\t{psnr:.2f}")
