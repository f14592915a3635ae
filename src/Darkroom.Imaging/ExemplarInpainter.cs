namespace Darkroom.Imaging;

/// <summary>
/// Fills holes by copying real texture from the rest of the photo: the multi-scale exemplar method (Wexler, Shechtman
/// and Irani's completion, with Barnes et al.'s PatchMatch for the nearest-neighbour search). From the coarsest level
/// up, each 7x7 patch touching the hole is matched to a patch wholly outside it (random search and propagation), and
/// every hole pixel becomes the weighted vote of the pixels those matches put over it; the result seeds the next finer
/// level. Holes only a few pixels wide go to Telea, which is as good there and far cheaper.
/// </summary>
public static class ExemplarInpainter
{
    /// <summary>Holes no thicker than this (largest distance to a known pixel, in pixels) are left to Telea.</summary>
    public const int ThinHole = 3;

    private const int R = 3;

    /// <param name="pixels">Interleaved bytes, <paramref name="channels"/> per pixel, filled in place inside the mask.</param>
    /// <param name="mask">One byte a pixel; non-zero = fill.</param>
    /// <param name="seed">Random seed, fixed so a job gives the same result when it is run again.</param>
    public static void Inpaint(byte[] pixels, byte[] mask, int width, int height, int channels, int seed = 17)
    {
        if (Thickness(mask, width, height) <= ThinHole)
        {
            TeleaInpainter.Inpaint(pixels, mask, width, height, channels, radius: 5);
            return;
        }

        // The pyramid: each level half the one above, a coarse pixel a hole if any of its four is; deep enough that the
        // hole is a few pixels thick at the top (deeper, and the coarse guess stops resembling the photo).
        int depth = 1 + (int)Math.Max(0, Math.Floor(Math.Log2(Thickness(mask, width, height) / 2.0)));
        var levels = new List<Level> { new(ToFloat(pixels), [.. mask.Select(m => m != 0)], width, height) };
        while (levels.Count < depth && Math.Min(levels[^1].Width, levels[^1].Height) >= 4 * ((2 * R) + 1))
        {
            levels.Add(levels[^1].Down(channels));
        }

        var random = new Random(seed);
        int[]? nnf = null;
        for (int l = levels.Count - 1; l >= 0; l--)
        {
            Level level = levels[l];
            if (l == levels.Count - 1)
            {
                // The coarsest level starts from Telea's smooth guess.
                byte[] coarse = level.ToBytes();
                TeleaInpainter.Inpaint(coarse, [.. level.Hole.Select(h => h ? (byte)255 : (byte)0)], level.Width, level.Height, channels, radius: 3);
                level.Image = ToFloat(coarse);
            }
            else
            {
                level.UpsampleHoleFrom(levels[l + 1], channels);
            }

            int[] sources = level.Sources();
            if (sources.Length == 0)
            {
                // Nothing to copy from at this scale: keep the smooth guess.
                nnf = null;
                continue;
            }

            nnf = level.InitialField(sources, nnf, l + 1 < levels.Count ? levels[l + 1] : null, random);
            int rounds = l == 0 ? 2 : 4;
            for (int round = 0; round < rounds; round++)
            {
                // The first matches at the top are made on the known pixels alone: the smooth guess inside the hole
                // would otherwise pull them towards smooth (or wrongly coloured) sources and keep them there.
                level.KnownOnly = round == 0 && l == levels.Count - 1;
                level.Search(nnf, sources, channels, random, passes: l == 0 ? 2 : 3);
                level.Vote(nnf, channels);
            }
        }

        Level top = levels[0];
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] != 0)
            {
                for (int c = 0; c < channels; c++)
                {
                    float v = top.Image[(i * channels) + c];
                    pixels[(i * channels) + c] = (byte)Math.Clamp((int)(v + 0.5f), 0, 255);
                }
            }
        }
    }

    /// <summary>The hole's largest chessboard distance to a known pixel (a thin stroke is 1–3).</summary>
    public static int Thickness(byte[] mask, int width, int height)
    {
        int[] distance = new int[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            distance[i] = mask[i] != 0 ? int.MaxValue / 2 : 0;
        }

        int At(int x, int y) => (uint)x < (uint)width && (uint)y < (uint)height ? distance[(y * width) + x] + 1 : int.MaxValue;

        // Two raster passes (forward, then backward) of the 8-neighbour distance.
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                if (distance[i] != 0)
                {
                    distance[i] = Math.Min(distance[i], Math.Min(Math.Min(At(x - 1, y), At(x, y - 1)), Math.Min(At(x - 1, y - 1), At(x + 1, y - 1))));
                }
            }
        }

        int max = 0;
        for (int y = height - 1; y >= 0; y--)
        {
            for (int x = width - 1; x >= 0; x--)
            {
                int i = (y * width) + x;
                if (distance[i] != 0)
                {
                    distance[i] = Math.Min(distance[i], Math.Min(Math.Min(At(x + 1, y), At(x, y + 1)), Math.Min(At(x + 1, y + 1), At(x - 1, y + 1))));
                    max = Math.Max(max, distance[i]);
                }
            }
        }

        return max;
    }

    private static float[] ToFloat(byte[] bytes)
    {
        float[] f = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            f[i] = bytes[i];
        }

        return f;
    }

    private sealed class Level(float[] image, bool[] hole, int width, int height)
    {
        public float[] Image { get; set; } = image;

        public bool[] Hole { get; } = hole;

        public int Width { get; } = width;

        public int Height { get; } = height;

        /// <summary>Patch distances count only pixels outside the hole.</summary>
        public bool KnownOnly { get; set; }

        /// <summary>Centres of the patches that touch the hole (the targets), as pixel indices.</summary>
        private int[]? _targets;

        public Level Down(int channels)
        {
            int w = Math.Max(1, Width / 2), h = Math.Max(1, Height / 2);
            float[] image = new float[w * h * channels];
            bool[] hole = new bool[w * h];
            Span<float> sum = stackalloc float[channels];
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int known = 0;
                    bool anyHole = false;
                    sum.Clear();
                    for (int dy = 0; dy < 2; dy++)
                    {
                        for (int dx = 0; dx < 2; dx++)
                        {
                            int sx = Math.Min(Width - 1, (2 * x) + dx), sy = Math.Min(Height - 1, (2 * y) + dy), s = (sy * Width) + sx;
                            if (Hole[s])
                            {
                                anyHole = true;
                                continue;
                            }

                            known++;
                            for (int c = 0; c < channels; c++)
                            {
                                sum[c] += Image[(s * channels) + c];
                            }
                        }
                    }

                    int d = (y * w) + x;
                    hole[d] = anyHole;
                    for (int c = 0; c < channels; c++)
                    {
                        image[(d * channels) + c] = known > 0 ? sum[c] / known : 0;
                    }
                }
            }

            return new Level(image, hole, w, h);
        }

        public byte[] ToBytes() => [.. Image.Select(v => (byte)Math.Clamp((int)(v + 0.5f), 0, 255))];

        /// <summary>Hole pixels take the coarser level's answer (the known ones keep the photo).</summary>
        public void UpsampleHoleFrom(Level coarse, int channels)
        {
            for (int y = 0; y < Height; y++)
            {
                for (int x = 0; x < Width; x++)
                {
                    int i = (y * Width) + x;
                    if (!Hole[i])
                    {
                        continue;
                    }

                    int cx = Math.Min(coarse.Width - 1, x / 2), cy = Math.Min(coarse.Height - 1, y / 2), ci = (cy * coarse.Width) + cx;
                    for (int c = 0; c < channels; c++)
                    {
                        Image[(i * channels) + c] = coarse.Image[(ci * channels) + c];
                    }
                }
            }
        }

        /// <summary>Centres whose whole patch lies inside the image and outside the hole.</summary>
        public int[] Sources()
        {
            // Hole pixels' integral image answers "any hole in this patch" in constant time.
            int[] integral = new int[(Width + 1) * (Height + 1)];
            for (int y = 0; y < Height; y++)
            {
                int row = 0;
                for (int x = 0; x < Width; x++)
                {
                    row += Hole[(y * Width) + x] ? 1 : 0;
                    integral[((y + 1) * (Width + 1)) + x + 1] = integral[(y * (Width + 1)) + x + 1] + row;
                }
            }

            var sources = new List<int>();
            for (int y = R; y < Height - R; y++)
            {
                for (int x = R; x < Width - R; x++)
                {
                    int x0 = x - R, y0 = y - R, x1 = x + R + 1, y1 = y + R + 1;
                    int holes = integral[(y1 * (Width + 1)) + x1] - integral[(y0 * (Width + 1)) + x1] - integral[(y1 * (Width + 1)) + x0] + integral[(y0 * (Width + 1)) + x0];
                    if (holes == 0)
                    {
                        sources.Add((y * Width) + x);
                    }
                }
            }

            return [.. sources];
        }

        private bool[]? _isSource;

        private int[] Targets()
        {
            if (_targets is not null)
            {
                return _targets;
            }

            bool[] near = new bool[Hole.Length];
            for (int y = 0; y < Height; y++)
            {
                for (int x = 0; x < Width; x++)
                {
                    if (!Hole[(y * Width) + x])
                    {
                        continue;
                    }

                    for (int dy = -R; dy <= R; dy++)
                    {
                        for (int dx = -R; dx <= R; dx++)
                        {
                            int nx = x + dx, ny = y + dy;
                            if ((uint)nx < (uint)Width && (uint)ny < (uint)Height)
                            {
                                near[(ny * Width) + nx] = true;
                            }
                        }
                    }
                }
            }

            _targets = [.. Enumerable.Range(0, near.Length).Where(i => near[i])];
            return _targets;
        }

        /// <summary>For each target, a source centre: from the coarser level's field (doubled) where valid, else random.</summary>
        public int[] InitialField(int[] sources, int[]? coarseField, Level? coarse, Random random)
        {
            _isSource = new bool[Hole.Length];
            foreach (int s in sources)
            {
                _isSource[s] = true;
            }

            int[] targets = Targets();
            int[] field = new int[Hole.Length];
            Array.Fill(field, -1);
            foreach (int t in targets)
            {
                int x = t % Width, y = t / Width;
                int pick = -1;
                if (coarseField is not null && coarse is not null)
                {
                    int cx = Math.Min(coarse.Width - 1, x / 2), cy = Math.Min(coarse.Height - 1, y / 2);
                    int cq = coarseField[(cy * coarse.Width) + cx];
                    if (cq >= 0)
                    {
                        int qx = Math.Clamp((2 * (cq % coarse.Width)) + (x % 2), 0, Width - 1), qy = Math.Clamp((2 * (cq / coarse.Width)) + (y % 2), 0, Height - 1);
                        int q = (qy * Width) + qx;
                        pick = _isSource[q] ? q : -1;
                    }
                }

                field[t] = pick >= 0 ? pick : sources[random.Next(sources.Length)];
            }

            return field;
        }

        /// <summary>Sum of squared differences between the patch at target t (current estimate) and at source q.</summary>
        private float Distance(int t, int q, int channels, float cap)
        {
            int tx = t % Width, ty = t / Width, qx = q % Width, qy = q / Width;
            float sum = 0;
            for (int dy = -R; dy <= R; dy++)
            {
                int y = ty + dy;
                if ((uint)y >= (uint)Height)
                {
                    continue;
                }

                for (int dx = -R; dx <= R; dx++)
                {
                    int x = tx + dx;
                    if ((uint)x >= (uint)Width || (KnownOnly && Hole[(y * Width) + x]))
                    {
                        continue;
                    }

                    int a = ((y * Width) + x) * channels, b = (((qy + dy) * Width) + qx + dx) * channels;
                    for (int c = 0; c < channels; c++)
                    {
                        float d = Image[a + c] - Image[b + c];
                        sum += d * d;
                    }
                }

                if (sum >= cap)
                {
                    return sum;
                }
            }

            return sum;
        }

        /// <summary>PatchMatch: propagation from the scan's previous neighbours, then random search in shrinking windows.</summary>
        public void Search(int[] field, int[] sources, int channels, Random random, int passes)
        {
            int[] targets = Targets();
            float[] best = new float[Hole.Length];
            foreach (int t in targets)
            {
                best[t] = Distance(t, field[t], channels, float.MaxValue);
            }

            for (int pass = 0; pass < passes; pass++)
            {
                bool forward = pass % 2 == 0;
                int step = forward ? 1 : -1;
                for (int k = 0; k < targets.Length; k++)
                {
                    int t = targets[forward ? k : targets.Length - 1 - k];
                    int x = t % Width, y = t / Width;

                    // Propagation: the neighbour's match, shifted by one.
                    Propagate(t, x - step, y, field, best, channels);
                    Propagate(t, x, y - step, field, best, channels);

                    // Random search around the current match, the window halving each time.
                    int radius = Math.Max(Width, Height);
                    while (radius >= 1)
                    {
                        int cx = field[t] % Width, cy = field[t] / Width;
                        Try(t, cx + random.Next(-radius, radius + 1), cy + random.Next(-radius, radius + 1), field, best, channels);
                        radius /= 2;
                    }
                }
            }
        }

        private void Propagate(int t, int nx, int ny, int[] field, float[] best, int channels)
        {
            if ((uint)nx >= (uint)Width || (uint)ny >= (uint)Height || field[(ny * Width) + nx] is not (>= 0 and var match))
            {
                return;
            }

            Try(t, (match % Width) + ((t % Width) - nx), (match / Width) + ((t / Width) - ny), field, best, channels);
        }

        private void Try(int t, int qx, int qy, int[] field, float[] best, int channels)
        {
            if ((uint)qx >= (uint)Width || (uint)qy >= (uint)Height)
            {
                return;
            }

            int q = (qy * Width) + qx;
            if (!_isSource![q] || q == field[t])
            {
                return;
            }

            float d = Distance(t, q, channels, best[t]);
            if (d < best[t])
            {
                best[t] = d;
                field[t] = q;
            }
        }

        /// <summary>Each hole pixel: the average of what the matches of the patches over it put there, weighted by how well they match.</summary>
        public void Vote(int[] field, int channels)
        {
            int[] targets = Targets();
            float[] distances = new float[targets.Length];
            for (int k = 0; k < targets.Length; k++)
            {
                distances[k] = Distance(targets[k], field[targets[k]], channels, float.MaxValue);
            }

            float[] sorted = [.. distances.Order()];
            float scale = Math.Max(1f, sorted[(int)(sorted.Length * 0.75)]);
            float[] sum = new float[Image.Length];
            float[] weight = new float[Hole.Length];
            for (int k = 0; k < targets.Length; k++)
            {
                int t = targets[k], q = field[t];
                float w = MathF.Exp(-distances[k] / scale);
                int tx = t % Width, ty = t / Width, qx = q % Width, qy = q / Width;
                for (int dy = -R; dy <= R; dy++)
                {
                    int y = ty + dy;
                    if ((uint)y >= (uint)Height)
                    {
                        continue;
                    }

                    for (int dx = -R; dx <= R; dx++)
                    {
                        int x = tx + dx;
                        if ((uint)x >= (uint)Width)
                        {
                            continue;
                        }

                        int p = (y * Width) + x;
                        if (!Hole[p])
                        {
                            continue;
                        }

                        int s = (((qy + dy) * Width) + qx + dx) * channels;
                        for (int c = 0; c < channels; c++)
                        {
                            sum[(p * channels) + c] += w * Image[s + c];
                        }

                        weight[p] += w;
                    }
                }
            }

            for (int p = 0; p < Hole.Length; p++)
            {
                if (Hole[p] && weight[p] > 0)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        Image[(p * channels) + c] = sum[(p * channels) + c] / weight[p];
                    }
                }
            }
        }
    }
}
