/** What every architecture provides: its parameters and a forward pass over NHWC batches. */
import type * as tfTypes from "@tensorflow/tfjs";
import type { ParamStore } from "./params";

export interface Network {
  params: ParamStore;
  /** x [B,H,W,Cin] -> [B,H,W,Cout]. */
  apply(x: tfTypes.Tensor4D): tfTypes.Tensor4D;
  /** The original's class name, used for checkpoint folders (`<className>_1/`). */
  className: string;
}
