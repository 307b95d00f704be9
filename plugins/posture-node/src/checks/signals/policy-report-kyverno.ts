import { defineCheck } from '../../engine/check';
import { policyReportCheck } from './_policyReports';

export default defineCheck(policyReportCheck('kyverno', 'Kyverno'));
