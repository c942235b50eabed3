/**
 * The index of a static site as a byte source, in a browser: ranges the reader asks for are looked
 * up in what has been fetched; those missing throw BytesNotHere, and fetchMissing() fetches them
 * (by HTTP range requests, or whole pieces, as the site's layout says; a long postings list from
 * its compressed file) for the search to run again.
 */
import { inflateSync } from "fflate";
import { BytesNotHere, type ByteRange, type ByteSource } from "../store/byte-source.js";
import type { FetchedFiles } from "./browser-codecs.js";
import { compressedListPath, filterRange, siteFiles, type PackedFile, type SiteFile, type SiteManifest } from "./manifest.js";

/** What the page has fetched of the index: requests made and bytes received (bodies as delivered to the script). */
export interface Traffic {
  requests: number;
  bytes: number;
}

/** Ranges this close are fetched as one, the bytes between them too: a request costs more than a kilobyte. */
const MERGE_GAP_BYTES = 1024;

/** Bytes of the index at hand from `start`. */
interface Span {
  start: number;
  bytes: Uint8Array;
}

export class SiteSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly traffic: Traffic = { requests: 0, bytes: 0 };
  /** Site files fetched whole and inflated (docMeta's), by path. */
  readonly files: FetchedFiles = new Map();
  /** Disjoint, by start. */
  private readonly spans: Span[] = [];
  /** Packed files fetched or on their way, by path. */
  private readonly packing = new Map<string, Promise<void>>();
  /** Packed files fetched whole from their second use on, by the search that first used them (see PackedFile). */
  private readonly firstUse = new Map<string, number>();
  /** Counts the searches run (SiteIndex tells): what a packed file's second use is. */
  searches = 0;
  /** Files or ranges on their way, so that two searches in flight fetch them once. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Whether the host answers range requests, once the probe (probeRanges) has said; until then, assumed. */
  private rangesAnswered: Promise<boolean> | undefined;

  /** The index's files, in order (manifest.fileSizes). */
  private readonly indexFiles: SiteFile[];

  constructor(private readonly base: URL, private readonly manifest: SiteManifest, private readonly fetcher: typeof fetch) {
    this.name = new URL("index/", base).href;
    this.size = manifest.size;
    this.indexFiles = siteFiles(manifest);
  }

  read(position: number, length: number): Uint8Array {
    const bytes = this.find(position, length);
    if (!bytes) throw new BytesNotHere([{ position, length }]);
    return bytes;
  }

  willRead(ranges: readonly ByteRange[]): void {
    const missing = ranges.filter((r) => r.length > 0 && !this.covers(r.position, r.length));
    if (missing.length) throw new BytesNotHere(missing);
  }

  close(): void {}

  /** Fetches what `missing` names. */
  async fetchMissing(missing: BytesNotHere): Promise<void> {
    await Promise.all([...missing.files.map((path) => this.fetchFile(path)), this.fetchRanges(missing.ranges)]);
  }

  /** Fetches a packed file and keeps its ranges. */
  loadPacked(packed: PackedFile): Promise<void> {
    let loading = this.packing.get(packed.path);
    if (!loading) {
      loading = this.get(packed.path).then((deflated) => {
        const bytes = inflateSync(deflated);
        let at = 0;
        for (const [position, length, filter] of packed.ranges) {
          this.add(position, filter ? filterRange(bytes.subarray(at, at + length), filter, true) : bytes.subarray(at, at + length));
          at += length;
        }
      });
      this.packing.set(packed.path, loading);
    }
    return loading;
  }

  private async fetchFile(path: string): Promise<void> {
    if (this.files.has(path)) return;
    await this.once(path, async () => {
      this.files.set(path, inflateSync(await this.get(path)));
    });
  }

  private async fetchRanges(ranges: readonly ByteRange[]): Promise<void> {
    const jobs: Promise<void>[] = [];
    /** Files fetched whole: pieces, or a ranges layout's files from a host that ignores ranges. */
    const wholeFiles = new Set<SiteFile>();
    const parts: { file: SiteFile; start: number; end: number }[] = [];
    for (const range of ranges) {
      const packed = this.manifest.packed.find((p) => p.ranges.some(([pos, len]) => range.position >= pos && range.position + range.length <= pos + len));
      if (packed && (!packed.wholeFromSecondUse || this.usedBefore(packed))) {
        jobs.push(this.loadPacked(packed));
        continue;
      }
      if (this.isCompressedList(range)) {
        jobs.push(this.fetchList(range));
        continue;
      }
      for (const gap of this.gaps(range.position, range.length)) {
        for (const file of this.filesOver(gap.position, gap.position + gap.length)) {
          if (this.manifest.layout === "pieces") {
            wholeFiles.add(file);
          } else {
            parts.push({ file, start: Math.max(gap.position, file.start), end: Math.min(gap.position + gap.length, file.end) });
          }
        }
      }
    }
    // A host that ignores range requests sends a whole file for each: each file is then asked for
    // once, whole, rather than once for every range a round needs of it.
    if (parts.length && this.rangesAnswered && !(await this.rangesAnswered)) {
      // The probe's answer may have brought some of them meanwhile (the first file, whole).
      for (const p of parts) if (!this.covers(p.start, p.end - p.start)) wholeFiles.add(p.file);
      parts.length = 0;
    }
    // Ranges of a file close together are asked for in one request (a misspelt word's variants
    // look up dozens of neighbouring dictionary blocks).
    parts.sort((a, b) => a.start - b.start);
    for (let i = 0; i < parts.length; ) {
      const { file, start } = parts[i]!;
      let end = parts[i]!.end;
      for (i++; i < parts.length && parts[i]!.file === file && parts[i]!.start - end <= MERGE_GAP_BYTES; i++) end = Math.max(end, parts[i]!.end);
      jobs.push(this.once(`${file.path}@${start}-${end}`, async () => void (await this.fetchRange(file, start, end))));
    }
    for (const file of wholeFiles) jobs.push(this.once(file.path, async () => this.add(file.start, await this.get(file.path))));
    await Promise.all(jobs);
  }

  /** True when a search before this one read ranges of `packed`; the first to do so is noted. */
  private usedBefore(packed: PackedFile): boolean {
    const first = this.firstUse.get(packed.path);
    if (first === undefined) this.firstUse.set(packed.path, this.searches);
    return first !== undefined && first !== this.searches;
  }

  /** Whether `range` is a postings list the site also holds compressed (manifest.ts's CompressedLists). */
  private isCompressedList(range: ByteRange): boolean {
    const { fromBytes, start, end } = this.manifest.lists;
    return range.length >= fromBytes && range.position >= start && range.position + range.length <= end;
  }

  /** The compressed postings list at `list`, fetched whole and inflated into its place in the index. */
  private fetchList(list: ByteRange): Promise<void> {
    const path = compressedListPath(list.position);
    return this.once(path, async () => {
      const bytes = inflateSync(await this.get(path));
      if (bytes.length !== list.length) throw new Error(`${path}: expected ${list.length} bytes, got ${bytes.length}`);
      this.add(list.position, bytes);
    });
  }

  /**
   * Learns whether the host answers range requests (layout "ranges"), by asking for the last byte
   * of the first index file while the index opens. A host that does not sends the whole file, which
   * is kept: the first file holds what every query reads first.
   */
  probeRanges(): void {
    if (this.manifest.layout !== "ranges" || this.rangesAnswered) return;
    const file = this.indexFiles[0];
    if (!file) return;
    // A failed probe says nothing: the ranges asked for later fail or succeed on their own.
    this.rangesAnswered = this.fetchRange(file, file.end - 1, file.end).catch(() => true);
  }

  /**
   * Bytes [start, end) of the index from `file` by a range request; a host answering with the whole
   * file is read from that. True when the host answered the range.
   */
  private async fetchRange(file: SiteFile, start: number, end: number): Promise<boolean> {
    const response = await this.request(file.path, { headers: { Range: `bytes=${start - file.start}-${end - file.start - 1}` } });
    const bytes = new Uint8Array(await response.arrayBuffer());
    this.traffic.bytes += bytes.length;
    if (response.status === 206) {
      if (bytes.length !== end - start) throw new Error(`${file.path}: asked for ${end - start} bytes, got ${bytes.length}`);
      this.add(start, bytes);
      return true;
    }
    // The host ignored the range: the whole file came, which answers this and later reads.
    if (bytes.length !== file.end - file.start) throw new Error(`${file.path}: expected ${file.end - file.start} bytes, got ${bytes.length}`);
    this.add(file.start, bytes);
    return false;
  }

  /** A site file's bytes, counted in the traffic. */
  private async get(path: string): Promise<Uint8Array> {
    const response = await this.request(path, {});
    const bytes = new Uint8Array(await response.arrayBuffer());
    this.traffic.bytes += bytes.length;
    return bytes;
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    this.traffic.requests++;
    const url = new URL(path, this.base);
    const response = await this.fetcher(url, init);
    if (!response.ok) throw new Error(`${url.href}: HTTP ${response.status}`);
    return response;
  }

  /** Runs `job` once for `key` while it is under way. */
  private once(key: string, job: () => Promise<void>): Promise<void> {
    let running = this.inFlight.get(key);
    if (!running) {
      running = job().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, running);
    }
    return running;
  }

  /** The site files holding any of [start, end). */
  private filesOver(start: number, end: number): SiteFile[] {
    const files = this.indexFiles;
    let lo = 0;
    let hi = files.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (files[mid]!.start <= start) lo = mid;
      else hi = mid - 1;
    }
    const found: SiteFile[] = [];
    for (let i = lo; i < files.length && files[i]!.start < end; i++) if (files[i]!.end > start) found.push(files[i]!);
    return found;
  }

  /** Index of the last span starting at or before `position`, or -1. */
  private spanAt(position: number): number {
    const spans = this.spans;
    let lo = 0;
    let hi = spans.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid]!.start <= position) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private covers(position: number, length: number): boolean {
    return this.gaps(position, length).length === 0;
  }

  /** The parts of [position, position + length) not at hand. */
  private gaps(position: number, length: number): ByteRange[] {
    const gaps: ByteRange[] = [];
    const end = position + length;
    let at = position;
    let i = Math.max(0, this.spanAt(position));
    while (at < end) {
      const span = this.spans[i];
      if (!span || span.start >= end) {
        gaps.push({ position: at, length: end - at });
        break;
      }
      const spanEnd = span.start + span.bytes.length;
      if (spanEnd <= at) {
        i++;
        continue;
      }
      if (span.start > at) gaps.push({ position: at, length: span.start - at });
      at = spanEnd;
      i++;
    }
    return gaps;
  }

  /** [position, position + length) from the spans, or undefined when a part is missing. */
  private find(position: number, length: number): Uint8Array | undefined {
    const i = this.spanAt(position);
    if (i < 0) return undefined;
    const span = this.spans[i]!;
    const from = position - span.start;
    if (from + length <= span.bytes.length) return span.bytes.subarray(from, from + length);
    if (!this.covers(position, length)) return undefined;
    // Across neighbouring spans: copied together.
    const out = new Uint8Array(length);
    for (let j = i, at = position; at < position + length; j++) {
      const s = this.spans[j]!;
      const part = s.bytes.subarray(at - s.start, Math.min(s.bytes.length, position + length - s.start));
      out.set(part, at - position);
      at += part.length;
    }
    return out;
  }

  /** Keeps bytes of the index from `start`, those parts not already held. */
  private add(start: number, bytes: Uint8Array): void {
    for (const gap of this.gaps(start, bytes.length)) {
      const span = { start: gap.position, bytes: bytes.subarray(gap.position - start, gap.position - start + gap.length) };
      this.spans.splice(this.spanAt(gap.position) + 1, 0, span);
    }
  }
}
