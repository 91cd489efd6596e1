export {
  sellmeier,
  schott,
  abbe,
  cauchy,
  constantIndex,
  abbeNumber,
  type Material,
  LINE_F_UM,
  LINE_D_UM,
  LINE_C_UM,
} from "./dispersion";
export { hasMaterial, getMaterial, listMaterials, catalogueValues } from "./catalog";
