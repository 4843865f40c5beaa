// Beijing's line departments (职能部门) and public utilities (公共服务企业) that take parallel
// dispatches (并行派单). Codes are stable identifiers used in dispatches.unit_code; names follow
// the units' own short forms so officials recognise them in the ranking tables.
import type { Department } from './schema.ts';

export const DEPARTMENTS: Department[] = [
  { code: 'city_management', kind: 'department', nameZh: '市城市管理委', nameEn: 'Municipal Commission of City Management' },
  { code: 'urban_enforcement', kind: 'department', nameZh: '市城管执法局', nameEn: 'Urban Management Law Enforcement Bureau' },
  { code: 'housing', kind: 'department', nameZh: '市住房城乡建设委', nameEn: 'Commission of Housing and Urban-Rural Development' },
  { code: 'planning', kind: 'department', nameZh: '市规划自然资源委', nameEn: 'Commission of Planning and Natural Resources' },
  { code: 'transport', kind: 'department', nameZh: '市交通委', nameEn: 'Municipal Commission of Transport' },
  { code: 'traffic_police', kind: 'department', nameZh: '市公安局公安交通管理局', nameEn: 'Traffic Management Bureau (Public Security)' },
  { code: 'public_security', kind: 'department', nameZh: '市公安局', nameEn: 'Public Security Bureau' },
  { code: 'ecology', kind: 'department', nameZh: '市生态环境局', nameEn: 'Ecology and Environment Bureau' },
  { code: 'market', kind: 'department', nameZh: '市市场监管局', nameEn: 'Administration for Market Regulation' },
  { code: 'commerce', kind: 'department', nameZh: '市商务局', nameEn: 'Bureau of Commerce' },
  { code: 'water', kind: 'department', nameZh: '市水务局', nameEn: 'Water Authority' },
  { code: 'greening', kind: 'department', nameZh: '市园林绿化局', nameEn: 'Landscape and Forestry Bureau' },
  { code: 'hr_social', kind: 'department', nameZh: '市人力资源社会保障局', nameEn: 'Human Resources and Social Security Bureau' },
  { code: 'education', kind: 'department', nameZh: '市教委', nameEn: 'Municipal Education Commission' },
  { code: 'health', kind: 'department', nameZh: '市卫生健康委', nameEn: 'Municipal Health Commission' },
  { code: 'healthcare_security', kind: 'department', nameZh: '市医保局', nameEn: 'Healthcare Security Administration' },
  { code: 'civil_affairs', kind: 'department', nameZh: '市民政局', nameEn: 'Civil Affairs Bureau' },
  { code: 'heating_group', kind: 'utility', nameZh: '北京热力集团', nameEn: 'Beijing District Heating Group' },
  { code: 'water_group', kind: 'utility', nameZh: '北京自来水集团', nameEn: 'Beijing Waterworks Group' },
  { code: 'drainage_group', kind: 'utility', nameZh: '北京城市排水集团', nameEn: 'Beijing Drainage Group' },
  { code: 'power_grid', kind: 'utility', nameZh: '国网北京市电力公司', nameEn: 'State Grid Beijing Electric Power' },
  { code: 'gas_group', kind: 'utility', nameZh: '北京燃气集团', nameEn: 'Beijing Gas Group' },
  { code: 'bus_group', kind: 'utility', nameZh: '北京公交集团', nameEn: 'Beijing Public Transport Corporation' },
  { code: 'subway', kind: 'utility', nameZh: '北京地铁', nameEn: 'Beijing Subway' },
  { code: 'telecom', kind: 'utility', nameZh: '通信运营企业', nameEn: 'Telecom operators' },
];
