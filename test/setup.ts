// Root hooks for the whole suite: keep library progress lines out of the test report
// (tests that check progress output install their own factory or set SVD_QUIET themselves).
export const mochaHooks = {
  beforeEach(): void {
    if (process.env.SVD_QUIET === undefined) process.env.SVD_QUIET = "1";
  },
};
