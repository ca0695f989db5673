// Wrong: the web side imports the worker.
import { WRITE_QUEUE } from "../worker/queue";

export const SENT_TO = WRITE_QUEUE;
