import { SubmissionFailureRule } from '../shared/submission-failure.classifier';

/**
 * How a failed `bsub` ended, from its message. No LSF runs here; the texts are IBM's documented defaults
 * (IBM Spectrum LSF 10.1, "Customize batch command messages",
 * https://www.ibm.com/docs/vi/SSWRJV_10.1.0/lsf_admin/batch_cmd_customize_lsf.html, and lsf.conf
 * LSB_MBD_DOWN_MSG / LSB_MBD_CONNECT_FAIL_MSG / LSB_MBD_BUSY_MSG / LSB_API_VERBOSE in the configuration reference):
 *   mbatchd down, nothing listening on LSB_MBD_PORT → `LSF is down. Please wait...`
 *   internal connections to mbatchd fail            → `Cannot connect to LSF. Please wait...`
 *   mbatchd too busy to accept or answer            → `LSF is processing your request. Please wait...`
 *   LIM not available                               → `LSF daemon (LIM) not responding ... still trying`
 * Batch commands retry these at LSB_API_CONNTIMEOUT / LSB_API_RECVTIMEOUT intervals; if bsub gives up with one,
 * the first two never reached mbatchd, while "processing your request" means mbatchd had the request.
 * Sites may customise the messages: keep the defaults or extend this table.
 */
export const LSF_SUBMISSION_FAILURES: readonly SubmissionFailureRule[] = [
  { kind: 'outcome_unknown', pattern: /LSF is processing your request\.\s*Please wait/i },
  { kind: 'not_reached', pattern: /LSF is down\.\s*Please wait/i },
  { kind: 'not_reached', pattern: /Cannot connect to LSF\.\s*Please wait/i },
  { kind: 'not_reached', pattern: /LSF daemon \(LIM\) not responding/i },
];
