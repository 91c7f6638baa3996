import { jobArrayDir } from './job-array-dir';

describe('jobArrayDir', () => {
  const name = 'hfss-array-0f8e2c4a-1b2d-4c3e-8f9a-0123456789ab';

  it("should place an array's dir beside the jobs' dirs, under the same work root", () => {
    expect(jobArrayDir('/share/hfss/jobs/sweep_1', name)).toBe(`/share/hfss/job-arrays/${name}`);
  });

  it.each(['..', '../../etc', 'hfss-array-../../x', `${name}/..`, '', 'other-name'])('should refuse %p, which is not a name the service gives', (bad) => {
    expect(() => jobArrayDir('/share/hfss/jobs/sweep_1', bad)).toThrow(/Not a job array name/);
  });
});
