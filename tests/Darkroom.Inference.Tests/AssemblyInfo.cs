// Inference tests share one loaded model per class and saturate both cores: run them one at a time.
[assembly: DoNotParallelize]
