/**
 * A small Chinese-English glossary of everyday and software words. Many MCP servers describe their tools only in
 * Chinese; CJK bigrams match Chinese requests, but an English request ("trending news", "train tickets") shares no
 * term with them. Each glossed word found in a CJK run adds its English words to the same text, on both the index and
 * the query side. The words are the common vocabulary of tool catalogs (actions, media, news, travel, food, games,
 * office, development), not names of particular products.
 */
const ENTRIES = `
获取:get 搜索:search 查询:query,search 查找:find 检索:search,retrieve 推荐:recommend 创建:create 生成:generate
删除:delete 插入:insert 添加:add 替换:replace 修改:modify,edit 编辑:edit 复制:copy 保存:save 转换:convert 列出:list
读取:read 写入:write 下载:download 上传:upload 分析:analyze,analysis 计算:calculate 比较:compare 排序:sort
筛选:filter 过滤:filter 解析:parse 验证:validate 显示:show,display 翻译:translate 导出:export 导入:import 合并:merge
拆分:split 提取:extract 摘要:summary 总结:summary 更新:update 发布:publish 预测:predict,forecast 监控:monitor
文件:file 目录:directory,folder 路径:path 文件名:filename 图片:image,picture 图像:image 照片:photo 截图:screenshot
视频:video 音乐:music 音频:audio 歌曲:song 幻灯片:slide 演示文稿:presentation 文档:document,documentation
表格:table,spreadsheet 文章:article 新闻:news 资讯:news,information 快讯:news,brief 热榜:trending,hot,list
热门:popular,hot,trending 热搜:trending,search 热点:hot,topic,trending 排行榜:ranking,rank 榜单:ranking,list
排名:ranking 趋势:trend 话题:topic 科技:technology,tech 技术:technology 数码:digital,gadget 设备:device
产品:product 商品:product,goods 购物:shopping 优惠:discount,deal 评测:review 消费:consumer 值得:worth 购买:buy
价格:price 财经:finance,financial 金融:finance 经济:economy,economic 商业:business 股票:stock 投资:investment
政治:politics 国际:international,world 社会:society,social 娱乐:entertainment 体育:sports 教育:education
健康:health 医疗:medical 文化:culture 艺术:art 电影:movie,film 电视剧:tv,series 综艺:variety,show 图书:book
书籍:book 小说:novel 阅读:reading,read 游戏:game 卡牌:card 角色:character 技能:skill 攻略:guide,strategy
玩家:player 动画:animation,anime 菜谱:recipe 菜品:dish 食材:ingredient 步骤:step 早餐:breakfast 甜品:dessert
饮品:drink 主食:staple,food 素菜:vegetarian 荤菜:meat 膳食:meal,diet 用餐:meal,dining 过敏:allergy 清单:list
人数:people,count 火车:train 列车:train 车站:station 车次:train,number 余票:ticket,availability 车票:ticket
高铁:high,speed,train 动车:train 出发:departure,depart 到达:arrival,arrive 中转:transfer 经停:stop 城市:city
地名:place,name 地址:address 地图:map 位置:location,position 坐标:coordinate 路线:route 导航:navigation
天气:weather 温度:temperature 日期:date 时间:time 当前:current 今天:today 明天:tomorrow 时区:timezone
日历:calendar 黄历:almanac,calendar 农历:lunar,calendar 公历:gregorian,solar 阳历:solar 八字:bazi 性别:gender
网页:webpage,web,page 网站:website 链接:link,url 标题:title 关键词:keyword 关键字:keyword 结果:result 列表:list
组件:component 示例:example 代码:code 更新日志:changelog 版本:version 依赖:dependency 属性:property
开发:development,develop 开发者:developer 前端:frontend 后端:backend 人工智能:artificial,intelligence,ai
软件:software 应用:app,application 互联网:internet 网络:network,internet 云计算:cloud,computing 架构:architecture
数据:data 信息:information,info 详细:detail,detailed 详情:detail 名称:name 编号:number,id 元数据:metadata
图标:icon 图表:chart 分类:category 中文:chinese 英文:english 用户:user 服务器:server 工具:tool 问答:question,answer
讨论:discussion 明星:celebrity 创业:startup 评分:rating,score 作品:work 知识:knowledge 笔记:note 任务:task
邮件:email,mail 消息:message 聊天:chat 翻页:page 浏览器:browser 截屏:screenshot 天数:days 年份:year
`;

const GLOSSARY = new Map<string, string>();
let longest = 1;
for (const entry of ENTRIES.split(/\s+/)) {
  const [zh, en] = entry.split(':');
  if (!zh || !en) continue;
  GLOSSARY.set(zh, en.replace(/,/g, ' '));
  longest = Math.max(longest, zh.length);
}

/** English words for every glossary entry found in a run of Han characters (overlapping matches all count). */
export function glossHan(run: string, out: string[]): void {
  for (let i = 0; i < run.length; i++) {
    for (let n = Math.min(longest, run.length - i); n >= 2; n--) {
      const en = GLOSSARY.get(run.slice(i, i + n));
      if (en) for (const word of en.split(' ')) out.push(word);
    }
  }
}
