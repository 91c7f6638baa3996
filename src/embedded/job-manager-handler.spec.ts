import { JobManagerHandler } from './job-manager-handler';

describe(JobManagerHandler.name, () => {
  describe('createSimulationConfig', () => {
    it("should apply the operator's default scheduler, and override none only when told to", () => {
      const handler = new JobManagerHandler({ settings: { HFSS_JM_DEFAULT_SCHEDULER: 'pbs' } });
      expect(handler.createSimulationConfig({ project_path: '/p/a.aedt' }).scheduler_type).toBe('pbs');
      expect(handler.createSimulationConfig({ project_path: '/p/a.aedt', scheduler_type: 'none' }).scheduler_type).toBe('none');
      const overriding = new JobManagerHandler({ settings: { HFSS_JM_DEFAULT_SCHEDULER: 'pbs', HFSS_JM_OVERRIDE_SCHEDULER_NONE: 'true' } });
      expect(overriding.createSimulationConfig({ project_path: '/p/a.aedt', scheduler_type: 'none' }).scheduler_type).toBe('pbs');
    });

    it("should take PyEDB's fields like the REST API does", () => {
      const config = new JobManagerHandler().createSimulationConfig({
        project_path: '/p/a.aedt', user: 'alice', platform: 'Windows', timestamp: '2025-01-01T00:00:00', version: '1.0.0',
        scheduler_options: { queue: 'default', account: null },
      });
      expect(config.user).toBe('alice');
      expect(config.scheduler_options.queue).toBeUndefined();
    });

    it('should refuse HFSS_JM_OVERRIDE_SCHEDULER_NONE without a cluster default scheduler', () => {
      expect(() => new JobManagerHandler({ settings: { HFSS_JM_OVERRIDE_SCHEDULER_NONE: 'true' } })).toThrow(/HFSS_JM_DEFAULT_SCHEDULER/);
    });
  });
});
