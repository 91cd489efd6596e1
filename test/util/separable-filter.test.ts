import { strict as assert } from "node:assert";
import { separableFilter } from "../../src/util/separable-filter";
import { gaussianBlur } from "../../src/metrics";
import type { ImageHWC } from "../../src/array";

// References from scipy.ndimage (mode "reflect" = util/border "symmetric"):
//   /usr/bin/python3 test/fixtures/separable-filter-golden.py
const H = 4, W = 6, C = 2;
const image = (): ImageHWC => ({ data: Float32Array.from({ length: H * W * C }, (_, i) => ((i * 37) % 101) / 128), height: H, width: W, channels: C });
// gaussian_filter(img in float64, sigma=(1.3, 1.3, 0), truncate=4), kernel radius 5 > the 4-row axis (borders fold twice).
const scipyGauss = [0.288626104593277, 0.35037171840667725, 0.34016910195350647, 0.3697024881839752, 0.39000874757766724, 0.40160033106803894, 0.4152827560901642, 0.3996731638908386, 0.4220351576805115, 0.34280315041542053, 0.41600093245506287, 0.283732146024704, 0.3346656560897827, 0.36750611662864685, 0.3714670240879059, 0.3790031671524048, 0.40945693850517273, 0.3981190025806427, 0.42355579137802124, 0.39783981442451477, 0.4133036136627197, 0.3635023534297943, 0.39574119448661804, 0.32778826355934143, 0.38586828112602234, 0.36694300174713135, 0.41100212931632996, 0.36888542771339417, 0.4314349889755249, 0.3755923807621002, 0.4291117489337921, 0.3788626194000244, 0.4130222201347351, 0.36639997363090515, 0.40168291330337524, 0.351411372423172, 0.408674418926239, 0.3524436950683594, 0.4339367151260376, 0.34569641947746277, 0.44219332933425903, 0.34708553552627563, 0.42545241117477417, 0.3564719557762146, 0.4150622487068176, 0.35338377952575684, 0.4228706359863281, 0.3426820635795593];
// correlate1d with [1/4, 1/2, 1/4] along x then y, float32 between and after: dyadic values, exact.
const scipyBox = [0.17333984375, 0.314453125, 0.3603515625, 0.30419921875, 0.39599609375, 0.4384765625, 0.38232421875, 0.47412109375, 0.46728515625, 0.3125, 0.45703125, 0.154296875, 0.30908203125, 0.40087890625, 0.34814453125, 0.390625, 0.43310546875, 0.42626953125, 0.46875, 0.4619140625, 0.40576171875, 0.39892578125, 0.296875, 0.33935546875, 0.42431640625, 0.3681640625, 0.4140625, 0.4072265625, 0.44970703125, 0.3935546875, 0.4853515625, 0.3798828125, 0.42236328125, 0.3662109375, 0.36279296875, 0.4052734375, 0.36279296875, 0.35595703125, 0.50048828125, 0.29638671875, 0.48681640625, 0.28271484375, 0.37451171875, 0.36767578125, 0.36083984375, 0.35400390625, 0.49853515625, 0.29443359375];

describe("util/separable-filter", () => {
  it("a float32 row pass gives scipy's correlate1d pair exactly (binomial taps, dyadic values)", () => {
    const out = separableFilter(image(), Float32Array.of(0.25, 0.5, 0.25), "float32");
    assert.deepEqual(Array.from(out.data), scipyBox);
    assert.deepEqual([out.height, out.width, out.channels], [H, W, C]);
  });

  it("metrics.gaussianBlur (float64 row pass) matches scipy.ndimage.gaussian_filter to float32 resolution", () => {
    const out = gaussianBlur(image(), 1.3);
    let worst = 0;
    out.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - scipyGauss[i]!))));
    assert.ok(worst < 1e-7, `max |ours - scipy| = ${worst}`);
  });

  it("keeps the image's other fields and rejects an even-length kernel", () => {
    const img = { ...image(), peak: 255 };
    assert.equal(separableFilter(img, Float64Array.of(1), "float64").peak, 255);
    assert.deepEqual(Array.from(separableFilter(img, Float64Array.of(1), "float64").data), Array.from(img.data));
    assert.throws(() => separableFilter(img, Float64Array.of(0.5, 0.5), "float64"), /odd length 2r\+1, found 2/);
  });
});
