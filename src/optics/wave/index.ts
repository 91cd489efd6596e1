export {
  fieldPower,
  propagate,
  fresnelScaled,
  intensity,
  type Field,
  type PropagateOptions,
  type Method,
} from "./propagate";
export { besselJ0, besselJ1, besselK0, besselK1, airy } from "./bessel";
export { integrateToPixels, type FineImage } from "./resample";
