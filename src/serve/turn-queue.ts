/**
 * Requests wait their turn: one is answered per turn of the event loop, in the order they came.
 *
 * A search keeps the thread busy for milliseconds. Answered straight from the socket's data
 * event, a busy server answers every request read in one poll before looking at the sockets
 * again, and Node (libuv) accepts one new connection per poll: under load a connection opened
 * late waited seconds for its first answer while the connections already open were served over
 * and over (in a 64-connection load test, a few requests took 10 s while the median took 0.4 s).
 * Answering one request per turn makes the turns short, so new connections are accepted within
 * milliseconds, and the first come is the first answered.
 */
export class TurnQueue {
  private readonly tasks: (() => void)[] = [];
  private head = 0;
  private scheduled = false;

  /** At most `limit` requests wait; beyond that `push` refuses (the server answers 503). */
  constructor(private readonly limit: number) {}

  get waiting(): number {
    return this.tasks.length - this.head;
  }

  /** Queues `task` for a later turn; false when the queue is full. */
  push(task: () => void): boolean {
    if (this.waiting >= this.limit) return false;
    this.tasks.push(task);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.runOne);
    }
    return true;
  }

  private readonly runOne = (): void => {
    const task = this.tasks[this.head]!;
    this.tasks[this.head++] = undefined!;
    if (this.head === this.tasks.length) {
      this.tasks.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.tasks.length) {
      this.tasks.splice(0, this.head);
      this.head = 0;
    }
    this.scheduled = this.waiting > 0;
    if (this.scheduled) setImmediate(this.runOne);
    // A task answers its request and catches its own errors (SearchServer.handle).
    task();
  };
}
