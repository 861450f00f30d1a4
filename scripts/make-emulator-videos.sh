#!/usr/bin/env bash
# Regenerates the tiny videos the built-in emulator serves (assets/videos/).
# Run once by a maintainer who has ffmpeg; the outputs are committed, so neither CI
# nor users need ffmpeg. One MP4 per aspect ratio (1 s, 4 fps, H.264, faststart so
# the moov box comes first), plus the preview images OpenAI's
# /videos/{id}/content?variant=thumbnail|spritesheet return.
set -euo pipefail

cd "$(dirname "$0")/.."
out=assets/videos
mkdir -p "$out"

# ratio name -> WxH (small, even, exactly the ratio)
ratios=(
  "16x9 160x90"
  "9x16 90x160"
  "1x1 96x96"
  "4x3 128x96"
  "3x4 96x128"
  "21x9 224x96"
)

for entry in "${ratios[@]}"; do
  read -r name size <<<"$entry"
  # -map_metadata -1 and -fflags +bitexact keep the files reproducible (no encoder
  # version strings or timestamps beyond what x264 writes into its SEI).
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=${size}:rate=4:duration=1" \
    -c:v libx264 -preset veryslow -crf 36 -pix_fmt yuv420p -g 4 \
    -x264-params "no-info=1" \
    -map_metadata -1 -fflags +bitexact -flags:v +bitexact \
    -movflags +faststart \
    "$out/${name}.mp4"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=${size}:rate=1:duration=1" \
    -frames:v 1 -c:v libwebp -quality 40 \
    "$out/${name}.thumbnail.webp"
  # A 2x2 sheet of frames, like OpenAI's spritesheet variant.
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=${size}:rate=4:duration=1" \
    -vf "tile=2x2" -frames:v 1 -q:v 28 \
    "$out/${name}.spritesheet.jpg"
done

ls -l "$out"
