import { open } from 'node:fs/promises';
import { mvhdDurationSeconds } from '../http/mp4-boxes.js';

/**
 * The playing time of an MP4 file from its `moov/mvhd` box, for the run summary's
 * "seconds of video generated". Walks the top-level boxes with small positioned reads, so
 * it costs a few syscalls whether `moov` sits at the front (faststart) or the end.
 * Returns undefined for anything it cannot read; it never throws.
 */
export async function readMp4DurationSeconds(path: string): Promise<number | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
    const { size: fileSize } = await handle.stat();
    const header = Buffer.alloc(16);
    let offset = 0;
    while (offset + 8 <= fileSize) {
      const { bytesRead } = await handle.read(header, 0, 16, offset);
      if (bytesRead < 8) return undefined;
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      let headerSize = 8;
      if (boxSize === 1) {
        if (bytesRead < 16) return undefined;
        boxSize = Number(header.readBigUInt64BE(8));
        headerSize = 16;
      } else if (boxSize === 0) {
        boxSize = fileSize - offset;
      }
      if (boxSize < headerSize) return undefined;
      if (type === 'moov') {
        const moov = Buffer.alloc(Math.min(boxSize - headerSize, 64 * 1024 * 1024));
        await handle.read(moov, 0, moov.length, offset + headerSize);
        return mvhdDurationSeconds(moov);
      }
      offset += boxSize;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
