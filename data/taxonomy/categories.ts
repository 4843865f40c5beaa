// Two-level category taxonomy (诉求分类) covering Beijing's top demand classes. Each category
// carries the default urgency class that picks its time limits (data/policy) and the line
// department or utility that owns it. `parallel` marks matters the owner must act on itself
// (outages, leaks, enforcement), so the hotline sends it the ticket alongside the street.
import type { Category, CategoryGroup } from './schema.ts';

export const CATEGORY_GROUPS: CategoryGroup[] = [
  { code: 'heating', nameZh: '供暖', nameEn: 'Heating' },
  { code: 'property', nameZh: '物业管理', nameEn: 'Property management' },
  { code: 'housing', nameZh: '房屋与老旧小区', nameEn: 'Housing and old estates' },
  { code: 'realty', nameZh: '不动产登记', nameEn: 'Property certificates' },
  { code: 'municipal', nameZh: '市政设施', nameEn: 'Municipal facilities' },
  { code: 'traffic', nameZh: '道路交通与停车', nameEn: 'Roads, traffic and parking' },
  { code: 'noise', nameZh: '噪声扰民', nameEn: 'Noise' },
  { code: 'environment', nameZh: '环境卫生', nameEn: 'Environment and sanitation' },
  { code: 'urban_order', nameZh: '市容秩序', nameEn: 'Urban order and illegal building' },
  { code: 'water', nameZh: '供水排水', nameEn: 'Water supply and drainage' },
  { code: 'power', nameZh: '供电', nameEn: 'Power supply' },
  { code: 'gas', nameZh: '燃气', nameEn: 'Gas' },
  { code: 'market', nameZh: '市场监管', nameEn: 'Market regulation' },
  { code: 'labour', nameZh: '劳动就业与社保', nameEn: 'Labour, wages and social insurance' },
  { code: 'education', nameZh: '教育', nameEn: 'Education' },
  { code: 'health', nameZh: '医疗卫生', nameEn: 'Health care' },
  { code: 'transit', nameZh: '公共交通', nameEn: 'Public transport' },
  { code: 'greening', nameZh: '园林绿化', nameEn: 'Greening' },
  { code: 'security', nameZh: '治安秩序', nameEn: 'Public security and order' },
  { code: 'welfare', nameZh: '社会保障与养老', nameEn: 'Welfare and elderly care' },
];

type Row = [code: string, nameZh: string, nameEn: string, urgency: Category['urgency'], dept: string | null, parallel: boolean];

// Rows keep the table readable; the group code is the prefix of the category code.
const ROWS: Row[] = [
  ['heating.no_heat', '暖气不热', 'Radiators not warm enough', 'basic', 'heating_group', true],
  ['heating.outage', '停暖', 'Heating cut off', 'basic', 'heating_group', true],
  ['heating.leak', '暖气漏水', 'Heating pipe leak', 'basic', 'heating_group', true],
  ['heating.fee', '供暖费与停供', 'Heating fees and opt-out', 'ordinary', 'heating_group', false],

  ['property.service', '物业服务质量', 'Property management service', 'ordinary', 'housing', false],
  ['property.fee', '物业收费', 'Property management fees', 'ordinary', 'housing', false],
  ['property.common_repair', '公共部位维修', 'Repairs to common parts', 'ordinary', null, false],
  ['property.roof_leak', '房屋漏雨', 'Roof leaking', 'basic', 'housing', false],
  ['property.estate_parking', '小区停车管理', 'Parking inside the estate', 'ordinary', null, false],
  ['property.owners_committee', '业委会与物业选聘', "Owners' committee and choosing a manager", 'complex', 'housing', false],

  ['housing.lift_install', '老楼加装电梯', 'Adding lifts to old buildings', 'complex', 'housing', false],
  ['housing.lift_fault', '电梯故障', 'Lift out of order', 'basic', 'market', true],
  ['housing.old_estate_renovation', '老旧小区改造', 'Old estate renovation', 'ordinary', 'housing', false],
  ['housing.rental', '房屋租赁', 'Renting and letting agents', 'ordinary', 'housing', false],
  ['housing.demolition', '拆迁安置', 'Demolition and resettlement', 'complex', 'housing', false],

  ['realty.certificate', '办理不动产证', 'Obtaining a property certificate', 'complex', 'planning', false],
  ['realty.registration', '不动产登记咨询', 'Property registration enquiries', 'ordinary', 'planning', false],
  ['realty.historic', '历史遗留产权问题', 'Historic title problems', 'complex', 'planning', false],

  ['municipal.streetlight', '路灯不亮', 'Street light out', 'ordinary', 'city_management', true],
  ['municipal.manhole', '井盖缺失破损', 'Missing or broken manhole cover', 'emergency', 'city_management', true],
  ['municipal.road_damage', '道路破损', 'Damaged road surface', 'ordinary', 'city_management', false],
  ['municipal.road_collapse', '道路塌陷', 'Road collapse', 'emergency', 'city_management', true],
  ['municipal.public_toilet', '公厕管理', 'Public toilets', 'ordinary', 'city_management', false],
  ['municipal.telecom', '通信信号与宽带', 'Phone signal and broadband', 'ordinary', 'telecom', true],

  ['traffic.illegal_parking', '违章停车', 'Illegal parking', 'ordinary', 'traffic_police', true],
  ['traffic.parking_shortage', '停车难', 'Too few parking spaces', 'ordinary', 'transport', false],
  ['traffic.signal', '信号灯故障', 'Traffic signal fault', 'basic', 'traffic_police', true],
  ['traffic.congestion', '交通拥堵', 'Congestion', 'ordinary', 'traffic_police', false],
  ['traffic.shared_bikes', '共享单车乱停', 'Shared bikes parked badly', 'ordinary', 'transport', false],
  ['traffic.taxi', '出租车与网约车', 'Taxis and ride-hailing', 'ordinary', 'transport', false],

  ['noise.construction', '施工噪声', 'Construction noise', 'ordinary', 'urban_enforcement', true],
  ['noise.commercial', '商业经营噪声', 'Noise from shops and bars', 'ordinary', 'urban_enforcement', false],
  ['noise.neighbourhood', '社会生活噪声', 'Neighbourhood noise (square dancing, neighbours)', 'ordinary', 'public_security', false],
  ['noise.traffic', '交通噪声', 'Traffic noise', 'ordinary', 'ecology', false],

  ['environment.garbage', '垃圾清运', 'Rubbish not collected', 'ordinary', 'city_management', false],
  ['environment.sorting', '垃圾分类', 'Waste sorting', 'ordinary', 'city_management', false],
  ['environment.cooking_fumes', '餐饮油烟', 'Cooking fumes', 'ordinary', 'ecology', true],
  ['environment.dust', '施工扬尘', 'Construction dust', 'ordinary', 'ecology', true],
  ['environment.water_pollution', '水体污染', 'Water pollution', 'ordinary', 'ecology', true],

  ['urban_order.illegal_construction', '违法建设', 'Illegal construction', 'complex', 'urban_enforcement', false],
  ['urban_order.street_vendors', '占道经营', 'Street vending', 'ordinary', 'urban_enforcement', false],
  ['urban_order.advertising', '违规广告牌匾', 'Illegal signs and adverts', 'ordinary', 'urban_enforcement', false],

  ['water.outage', '停水', 'Water supply cut', 'basic', 'water_group', true],
  ['water.quality', '水质问题', 'Tap water quality', 'basic', 'water_group', true],
  ['water.pipe_leak', '供水管道漏水', 'Water main leak', 'basic', 'water_group', true],
  ['water.sewer', '污水外溢管道堵塞', 'Blocked or leaking sewer', 'basic', 'drainage_group', true],
  ['water.waterlogging', '道路积水', 'Waterlogging', 'basic', 'water', true],

  ['power.outage', '停电', 'Power cut', 'basic', 'power_grid', true],
  ['power.voltage', '电压不稳', 'Unstable voltage', 'basic', 'power_grid', true],
  ['power.ev_charging', '充电桩安装', 'EV charger installation', 'ordinary', 'power_grid', false],

  ['gas.leak', '燃气泄漏', 'Gas leak', 'emergency', 'gas_group', true],
  ['gas.outage', '停气', 'Gas supply cut', 'basic', 'gas_group', true],
  ['gas.meter_fee', '燃气表与缴费', 'Gas meters and bills', 'ordinary', 'gas_group', false],

  ['market.prepaid_card', '预付卡退费', 'Prepaid card refunds', 'complex', 'commerce', false],
  ['market.consumer_dispute', '消费纠纷', 'Consumer disputes', 'ordinary', 'market', false],
  ['market.food_safety', '食品安全', 'Food safety', 'basic', 'market', true],
  ['market.price', '价格违法', 'Illegal pricing', 'ordinary', 'market', false],

  ['labour.wage_arrears', '拖欠工资', 'Unpaid wages', 'ordinary', 'hr_social', true],
  ['labour.social_insurance', '社会保险', 'Social insurance', 'ordinary', 'hr_social', false],
  ['labour.contract', '劳动合同与就业', 'Employment and labour contracts', 'ordinary', 'hr_social', false],

  ['education.enrollment', '入学入园', 'School and kindergarten places', 'ordinary', 'education', false],
  ['education.training', '校外培训', 'Private tutoring', 'ordinary', 'education', false],

  ['health.hospital_service', '医疗服务', 'Hospital services', 'ordinary', 'health', false],
  ['health.medical_insurance', '医保报销', 'Medical insurance claims', 'ordinary', 'healthcare_security', false],

  ['transit.bus', '公交线路与服务', 'Bus routes and service', 'ordinary', 'bus_group', true],
  ['transit.subway', '地铁运营与服务', 'Subway operation and service', 'ordinary', 'subway', true],

  ['greening.tree_pruning', '树木修剪与倒伏', 'Tree pruning and fallen trees', 'ordinary', 'greening', false],
  ['greening.catkins', '杨柳飞絮', 'Poplar and willow catkins', 'ordinary', 'greening', false],
  ['greening.green_damage', '毁绿占绿', 'Damage to green space', 'ordinary', 'greening', false],

  ['security.public_order', '治安问题', 'Public order', 'ordinary', 'public_security', false],
  ['security.dogs', '养犬管理', 'Dog keeping', 'ordinary', 'public_security', false],
  ['security.group_rental', '群租房', 'Overcrowded rentals', 'ordinary', 'housing', false],

  ['welfare.elderly_care', '养老服务', 'Elderly care', 'ordinary', 'civil_affairs', false],
  ['welfare.assistance', '社会救助', 'Social assistance', 'ordinary', 'civil_affairs', false],
];

export const CATEGORIES: Category[] = ROWS.map(([code, nameZh, nameEn, urgency, departmentCode, parallel]) => ({
  code,
  groupCode: code.slice(0, code.indexOf('.')),
  nameZh,
  nameEn,
  urgency,
  departmentCode,
  parallel,
}));
