<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ActionDialog</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="89" />
            <source>Write-up of the work</source>
            <translation>工作简述</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="89" />
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="90" />
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="91" />
            <source>Handler</source>
            <translation>处置人员</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="92" />
            <source>New deadline</source>
            <translation>新期限</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="93" />
            <source>Resident's rating</source>
            <translation>居民评价</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="94" />
            <source>Duplicate of</source>
            <translation>重复于</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="95" />
            <source>After photos</source>
            <translation>处置后照片</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="118" />
            <source>Optional: the work was handled</source>
            <translation>可不填：已办理完毕</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="123" />
            <source>Choose, or type the handler's user id</source>
            <translation>选择处置人员，或输入其用户编号</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="143" />
            <source>Optional: the incident this one repeats</source>
            <translation>可不填：与之重复的事件</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_actions.py" line="162" />
            <source>Partly solved</source>
            <translation>部分解决</translation>
        </message>
    </context>
    <context>
        <name>BuildingPlanDialog</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="200" />
            <source>Plan a walk-round from buildings</source>
            <translation>按楼栋制定巡查计划</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="203" />
            <source>Filter buildings by estate or name</source>
            <translation>按小区或楼栋名筛选</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="207" />
            <source>Building</source>
            <translation>楼栋</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="208" />
            <source>Households</source>
            <translation>户数</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="224" />
            <source>Plan</source>
            <translation>制定计划</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="228" />
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="252" />
            <source> and {0} more</source>
            <translation>等{0}栋</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="253" />
            <source>Walk-round {0} · {1}</source>
            <translation>巡查 {0} · {1}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="258" />
            <source>Choose at least one building</source>
            <translation>请至少选择一栋楼</translation>
        </message>
    </context>
    <context>
        <name>CategoryButton</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_category.py" line="140" />
            <source>Category</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_category.py" line="162" />
            <source>Choose a category…</source>
            <translation>选择类别…</translation>
        </message>
    </context>
    <context>
        <name>CategoryPicker</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_category.py" line="37" />
            <source>Search: Chinese, English or pinyin initials (jg = 井盖)</source>
            <translation>搜索：中文、英文或拼音首字母（jg = 井盖）</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_category.py" line="112" />
            <source>Chosen: {0}</source>
            <translation>已选：{0}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_category.py" line="115" />
            <source>No category chosen yet</source>
            <translation>尚未选择类别</translation>
        </message>
    </context>
    <context>
        <name>DashboardPage</name>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="56" />
            <source>This month</source>
            <translation>本月</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="56" />
            <source>Last month</source>
            <translation>上月</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="57" />
            <source>This year</source>
            <translation>今年</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="57" />
            <source>Custom</source>
            <translation>自定义</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="64" />
            <source>Export to Excel…</source>
            <translation>导出 Excel…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="69" />
            <source>Area</source>
            <translation>区域</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="69" />
            <source>Period</source>
            <translation>期间</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="84" />
            <source>Incidents reported</source>
            <translation>上报事件</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="85" />
            <source>Completion rate</source>
            <translation>办结率</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="86" />
            <source>On-time rate</source>
            <translation>按期办结率</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="87" />
            <source>Average handling time</source>
            <translation>平均办理时长</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="88" />
            <source>Overdue</source>
            <translation>超期</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="89" />
            <source>Rework</source>
            <translation>返工</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="101" />
            <source>Incidents by category</source>
            <translation>事件分类</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="102" />
            <source>Incidents by status</source>
            <translation>事件状态</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="103" />
            <source>Visits by grid worker</source>
            <translation>网格员走访次数</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="116" />
            <source>Overdue incidents</source>
            <translation>超期事件</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="146" />
            <source>Dashboard</source>
            <translation>统计分析</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="206" />
            <source>The period ends before it starts.</source>
            <translation>结束日期早于开始日期。</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="221" />
            <source>{0}, {1} to {2}, as of {3}</source>
            <translation>{0}，{1} 至 {2}，统计时间 {3}</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="237" />
            <source>by {0} people</source>
            <translation>共{0}人走访</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="238" />
            <source>{0} rejected</source>
            <translation>不予受理 {0} 件</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="239" />
            <source>{0} closed</source>
            <translation>已办结 {0} 件</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="240" />
            <source>{0} closed on time</source>
            <translation>按期办结 {0} 件</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="241" />
            <source>{0:.1f} h</source>
            <translation>{0:.1f} 小时</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="243" />
            <source>{0:.2f} working days</source>
            <translation>{0:.2f} 个工作日</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="247" />
            <source>{0} still open</source>
            <translation>仍在办理 {0} 件</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="248" />
            <source>{0} incidents reworked</source>
            <translation>返工事件 {0} 件</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="252" />
            <source>Nothing in this period</source>
            <translation>本期间暂无数据</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="254" />
            <source>Other</source>
            <translation>其他</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="262" />
            <source>Others</source>
            <translation>其他人员</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="267" />
            <source>Title</source>
            <translation>标题</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="269" />
            <source>Category</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="274" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="276" />
            <source>Deadline</source>
            <translation>办理期限</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="277" />
            <source>Assigned to</source>
            <translation>处置人员</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="278" />
            <source>Still open</source>
            <translation>仍在办理</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="278" />
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="278" />
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="295" />
            <source>Export the statistics</source>
            <translation>导出统计</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="295" />
            <source>Excel workbook (*.xlsx)</source>
            <translation>Excel 工作簿 (*.xlsx)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="310" />
            <source>Exported to {0}</source>
            <translation>已导出到 {0}</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="315" />
            <source>Export failed: {0}</source>
            <translation>导出失败：{0}</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="0" />
            <source>by 1 person</source>
            <translation>共1人走访</translation>
        </message>
        <message>
            <location filename="../../ui/pages/dashboard.py" line="0" />
            <source>1 incident reworked</source>
            <translation>返工事件 1 件</translation>
        </message>
    </context>
    <context>
        <name>DuplicatesPanel</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_duplicates.py" line="36" />
            <source>Possible duplicates nearby</source>
            <translation>附近可能重复的事件</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_duplicates.py" line="38" />
            <source>Same category within 250 m in the last 30 days. Open one to compare before saving.</source>
            <translation>近30天内250米范围内的同类事件。保存前可点开比对。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_duplicates.py" line="68" />
            <source>Choose a category and give a position to look for duplicates.</source>
            <translation>选择类别并给出位置后，自动查找重复事件。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_duplicates.py" line="70" />
            <source>None found: this looks new.</source>
            <translation>未发现重复：这是新问题。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_duplicates.py" line="72" />
            <source>{0} found nearby</source>
            <translation>附近发现 {0} 件</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_duplicates.py" line="74" />
            <source>No photo</source>
            <translation>无照片</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_duplicates.py" line="80" />
            <source>{0:.0f} m</source>
            <translation>{0:.0f} 米</translation>
        </message>
    </context>
    <context>
        <name>FieldworkText</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="51" />
            <source>{0} d {1} h</source>
            <translation>{0}天{1}小时</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="53" />
            <source>{0} h</source>
            <translation>{0}小时</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="54" />
            <source>{0} min</source>
            <translation>{0}分钟</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="61" />
            <source>{0} overdue</source>
            <translation>超期{0}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="62" />
            <source>{0} left</source>
            <translation>剩余{0}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="68" />
            <source>Saved on this computer, waiting to sync</source>
            <translation>已保存在本机，待同步</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="70" />
            <source>The server refused part of it: see below</source>
            <translation>服务器拒绝了部分内容，见下方说明</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="72" />
            <source>On the server; photos still uploading</source>
            <translation>已同步到服务器，照片仍在上传</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="73" />
            <source>On the server</source>
            <translation>已同步到服务器</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="78" />
            <source>Waiting to sync</source>
            <translation>待同步</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="80" />
            <source>Refused</source>
            <translation>被拒绝</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="82" />
            <source>Photos uploading</source>
            <translation>照片上传中</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_text.py" line="83" />
            <source>Synced</source>
            <translation>已同步</translation>
        </message>
    </context>
    <context>
        <name>HouseholdDialog</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="284" />
            <source>Choose the household</source>
            <translation>选择住户</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="287" />
            <source>Name, pinyin initials, phone or address</source>
            <translation>姓名、拼音首字母、电话或地址</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="290" />
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="290" />
            <source>Residents</source>
            <translation>住户成员</translation>
        </message>
    </context>
    <context>
        <name>IncidentBoardPage</name>
        <message>
            <location filename="../../ui/pages/incidents.py" line="71" />
            <source>Search title, description or place</source>
            <translation>搜索标题、描述或地点</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="73" />
            <source>Only mine</source>
            <translation>只看我的</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="74" />
            <source>Incidents assigned to me or reported by me</source>
            <translation>派给我或由我上报的事件</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="126" />
            <source>Incident board</source>
            <translation>事件看板</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="139" />
            <source>To accept</source>
            <translation>待受理</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="140" />
            <source>In progress</source>
            <translation>办理中</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="141" />
            <source>To verify</source>
            <translation>待核查</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="142" />
            <source>Overdue</source>
            <translation>超期</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="143" />
            <source>Closed</source>
            <translation>已办结</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="144" />
            <source>Rejected</source>
            <translation>不予受理</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="145" />
            <source>All</source>
            <translation>全部</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="162" />
            <source>Title</source>
            <translation>标题</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="168" />
            <source>Category</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="173" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="177" />
            <source>Reported</source>
            <translation>上报时间</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="179" />
            <source>Time left</source>
            <translation>剩余时限</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="185" />
            <source>Assigned to</source>
            <translation>处置人员</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="187" />
            <source>Sync</source>
            <translation>同步</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="249" />
            <source>{0} incidents</source>
            <translation>共 {0} 件</translation>
        </message>
        <message>
            <location filename="../../ui/pages/incidents.py" line="0" />
            <source>1 incident</source>
            <translation>共 1 件</translation>
        </message>
    </context>
    <context>
        <name>IncidentDetailView</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="116" />
            <source>Timeline</source>
            <translation>办理过程</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="126" />
            <source>Choose an incident in the list</source>
            <translation>请在列表中选择一个事件</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="182" />
            <source>Refused by the server</source>
            <translation>服务器拒绝</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="198" />
            <source>Reported</source>
            <translation>上报</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="204" />
            <source>Place</source>
            <translation>地点</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="205" />
            <source>Assigned to</source>
            <translation>处置人员</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="210" />
            <source>Deadline</source>
            <translation>办理期限</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="215" />
            <source>Overdue</source>
            <translation>超期</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="215" />
            <source>Judged overdue at a step (kept for the statistics)</source>
            <translation>办理中曾超期（计入统计）</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="217" />
            <source>Rework</source>
            <translation>返工</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="219" />
            <location filename="../../ui/widgets/fieldwork_incident.py" line="241" />
            <source>partly solved</source>
            <translation>部分解决</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="221" />
            <source>Rating</source>
            <translation>评价</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="223" />
            <source>Rejected because</source>
            <translation>不予受理原因</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="225" />
            <source>Duplicate of</source>
            <translation>重复于</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="235" />
            <source>to {0}</source>
            <translation>派给 {0}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_incident.py" line="237" />
            <source>new deadline {0}</source>
            <translation>新期限 {0}</translation>
        </message>
    </context>
    <context>
        <name>IncidentDialog</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_duplicates.py" line="98" />
            <source>Possible duplicate</source>
            <translation>可能重复的事件</translation>
        </message>
        <message>
            <source>Same problem: don't report it, add my photos to this incident</source>
            <translation>这是同一个问题：不再上报，把我的照片补充到已有事件</translation>
        </message>
        <message>
            <source>The report is not made and its draft is discarded; its photos are added to this incident with its description as a comment</source>
            <translation>不再新建事件，草稿随之删除；照片连同问题描述作为备注补充到此事件</translation>
        </message>
        <message>
            <source>Add a photo to the report first</source>
            <translation>请先为上报添加照片</translation>
        </message>
    </context>
    <context>
        <name>PhotoFilesStrip</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="105" />
            <source>Drop photos here</source>
            <translation>将照片拖放到这里</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="107" />
            <source>Add photos…</source>
            <translation>添加照片…</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="109" />
            <source>Remove</source>
            <translation>移除</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="167" />
            <source>Choose photos</source>
            <translation>选择照片</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="169" />
            <source>Photos (*.jpg *.jpeg *.png *.webp *.heic *.heif);;All files (*)</source>
            <translation>照片 (*.jpg *.jpeg *.png *.webp *.heic *.heif);;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="207" />
            <source>Not a picture</source>
            <translation>不是图片</translation>
        </message>
    </context>
    <context>
        <name>PhotoViewer</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="281" />
            <source>Photo</source>
            <translation>照片</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="289" />
            <source>This photo is not on this computer yet</source>
            <translation>本机还没有这张照片</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="294" />
            <source>original not downloaded yet: showing the thumbnail</source>
            <translation>原图尚未下载，显示的是缩略图</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="297" />
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="319" />
            <source>The file of this photo on this computer is damaged or was altered</source>
            <translation>本机保存的这张照片文件已损坏或被改动过</translation>
        </message>
        <message>
            <source>Download the original</source>
            <translation>下载原图</translation>
        </message>
        <message>
            <source>Downloading the original…</source>
            <translation>正在下载原图…</translation>
        </message>
        <message>
            <source>Not downloaded: {0}</source>
            <translation>未能下载：{0}</translation>
        </message>
    </context>
    <context>
        <name>PlaceFields</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="43" />
            <source>Where</source>
            <translation>事发地点</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="53" />
            <source>latitude</source>
            <translation>纬度</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="54" />
            <source>longitude</source>
            <translation>经度</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="59" />
            <source>Use the photo's position</source>
            <translation>使用照片位置</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="64" />
            <source>Report it at this building</source>
            <translation>上报到这栋楼</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="69" />
            <source>Choose a household…</source>
            <translation>选择住户…</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="71" />
            <source>Clear</source>
            <translation>清除</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="74" />
            <source>e.g. north gate of the estate, by the bins</source>
            <translation>如：小区北门垃圾桶旁</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="89" />
            <source>Position</source>
            <translation>位置</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="92" />
            <source>Nearest building</source>
            <translation>最近楼栋</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="94" />
            <source>Household</source>
            <translation>住户</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="95" />
            <source>Place described</source>
            <translation>地点描述</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="96" />
            <source>Grid</source>
            <translation>所属网格</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="160" />
            <source>Typed by hand (the photo's GPS will not be kept)</source>
            <translation>手工填写（不保留照片中的 GPS）</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="161" />
            <source>Typed by hand</source>
            <translation>手工填写</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="163" />
            <source>From the photo's EXIF</source>
            <translation>取自照片 EXIF</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="165" />
            <source>No position yet</source>
            <translation>尚无位置</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="192" />
            <source>No building of the register within 300 m</source>
            <translation>300米内没有登记的楼栋</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="195" />
            <source>{0}, {1:.0f} m away</source>
            <translation>{0}，相距 {1:.0f} 米</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="214" />
            <source>Building {0}</source>
            <translation>楼栋 {0}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_place.py" line="216" />
            <source>No household or building chosen</source>
            <translation>未选择住户或楼栋</translation>
        </message>
    </context>
    <context>
        <name>ReportPage</name>
        <message>
            <location filename="../../ui/pages/report.py" line="82" />
            <source>Snap and report</source>
            <translation>随手拍</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="100" />
            <source>⟲ Rotate left</source>
            <translation>⟲ 向左旋转</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="102" />
            <source>Rotate right ⟳</source>
            <translation>向右旋转 ⟳</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="130" />
            <source>What is wrong, since when, who is affected</source>
            <translation>什么问题、从何时起、影响到谁</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="132" />
            <source>Save report</source>
            <translation>保存上报</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="139" />
            <source>Discard the draft</source>
            <translation>放弃草稿</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="146" />
            <source>Category</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="147" />
            <source>Urgency</source>
            <translation>紧急程度</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="148" />
            <source>Description</source>
            <translation>问题描述</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="201" />
            <source>Drop photos here
or choose them with the button below</source>
            <translation>将照片拖放到这里
或用下方按钮选择</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="209" />
            <source>Not a picture</source>
            <translation>不是图片</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="237" />
            <source>Taken {0}</source>
            <translation>拍摄于 {0}</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="240" />
            <source>at {0:.5f}, {1:.5f} (from the photo's EXIF)</source>
            <translation>位置 {0:.5f}, {1:.5f}（取自照片 EXIF）</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="242" />
            <source>The photo carries no position: type it or choose a household</source>
            <translation>照片没有位置信息：请填写经纬度或选择住户</translation>
        </message>
        <message>
            <source>The photo carries no position: the place chosen below is used</source>
            <translation>照片没有位置信息：使用下方选定的地点</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="275" />
            <source>Choose a category</source>
            <translation>请选择类别</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="314" />
            <source>Report saved: {0}</source>
            <translation>上报已保存：{0}</translation>
        </message>
        <message>
            <location filename="../../ui/pages/report.py" line="374" />
            <source>A draft saved {0} was restored.</source>
            <translation>已恢复 {0} 保存的草稿。</translation>
        </message>
        <message>
            <source>Save the report on this computer ({0})</source>
            <translation>将上报保存在本机（{0}）</translation>
        </message>
        <message>
            <source>The same problem, seen again: photos added</source>
            <translation>同一问题再次发现，已补充照片</translation>
        </message>
        <message>
            <source>Not reported again: your photos were added to the existing incident.</source>
            <translation>未重复上报：您的照片已补充到已有事件。</translation>
        </message>
    </context>
    <context>
        <name>StoredPhotosStrip</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="249" />
            <source>Not downloaded yet</source>
            <translation>尚未下载</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_photos.py" line="294" />
            <source>Damaged file</source>
            <translation>文件已损坏</translation>
        </message>
    </context>
    <context>
        <name>VisitForm</name>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="59" />
            <source>Press {0} to record this outcome and go to the next household</source>
            <translation>按 {0} 键记录此结果并转到下一户</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="64" />
            <source>What you found: changes in the household, how they are</source>
            <translation>走访情况：住户变化、生活状况</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="67" />
            <source>Requests or problems the residents raised</source>
            <translation>居民提出的诉求或问题</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="69" />
            <source>Report the needs as an incident</source>
            <translation>将诉求上报为事件</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="80" />
            <source>Notes</source>
            <translation>走访记录</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="81" />
            <source>Needs raised</source>
            <translation>居民诉求</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="83" />
            <source>Category</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="84" />
            <source>Urgency</source>
            <translation>紧急程度</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="85" />
            <source>Photos</source>
            <translation>照片</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="90" />
            <source>Keys 1–5 record the outcome while the list has the focus.</source>
            <translation>焦点在列表上时，按 1–5 键直接记录走访结果。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="133" />
            <source>No household chosen</source>
            <translation>未选择住户</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="138" />
            <source>{0} and others, {1} living here</source>
            <translation>{0}等{1}人在住</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/fieldwork_visit.py" line="140" />
            <source>Nobody registered here</source>
            <translation>无登记人员</translation>
        </message>
    </context>
    <context>
        <name>VisitsPage</name>
        <message>
            <location filename="../../ui/pages/visits.py" line="64" />
            <location filename="../../ui/pages/visits.py" line="95" />
            <source>Walk-round</source>
            <translation>巡查</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="65" />
            <source>Due for a visit</source>
            <translation>待走访</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="78" />
            <source>Visits</source>
            <translation>走访</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="88" />
            <source>Plan from buildings…</source>
            <translation>按楼栋制定…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="90" />
            <source>Plan from the due list…</source>
            <translation>从待走访名单制定…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="92" />
            <location filename="../../ui/pages/visits.py" line="421" />
            <source>Cancel this walk-round</source>
            <translation>取消本次巡查</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="104" />
            <source>No walk-round planned. Plan one from buildings, or from the households due a visit.</source>
            <translation>尚无巡查计划。可按楼栋制定，或从待走访住户中制定。</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="150" />
            <source>Special groups only</source>
            <translation>只看重点人群</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="153" />
            <source>Select the first 20</source>
            <translation>选中前20户</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="155" />
            <source>Plan a walk-round with the selected</source>
            <translation>用选中住户制定巡查</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="187" />
            <source>Saving…</source>
            <translation>保存中…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="200" />
            <location filename="../../ui/pages/visits.py" line="222" />
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="205" />
            <source>Residents</source>
            <translation>住户成员</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="205" />
            <source>nobody</source>
            <translation>无人</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="207" />
            <location filename="../../ui/pages/visits.py" line="224" />
            <source>Special groups</source>
            <translation>重点人群</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="208" />
            <source>Outcome</source>
            <translation>走访结果</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="216" />
            <source>never met</source>
            <translation>从未见面</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="218" />
            <source>due today</source>
            <translation>今日到期</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="219" />
            <source>{0} days overdue</source>
            <translation>逾期{0}天</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="229" />
            <source>Visit every</source>
            <translation>走访周期</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="229" />
            <source>{0} days</source>
            <translation>{0}天</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="230" />
            <source>Last met</source>
            <translation>上次见面</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="232" />
            <source>Due</source>
            <translation>到期情况</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="386" />
            <source>Choose a category for the incident</source>
            <translation>请为事件选择类别</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="422" />
            <source>Cancel the walk-round “{0}”? Visits already logged are kept.</source>
            <translation>取消巡查“{0}”？已记录的走访会保留。</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="474" />
            <source>Select the households to visit first</source>
            <translation>请先选择要走访的住户</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="478" />
            <source>Visits {0} · {1} households</source>
            <translation>走访 {0} · {1}户</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="200" />
            <source>Refused by the server: {0}</source>
            <translation>服务器拒绝：{0}</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="210" />
            <source>The server refused the visit logged here ({0}). It does not count as visited; see the Sync page.</source>
            <translation>这次走访被服务器拒绝（{0}），不计为已走访；详见“同步”页面。</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="0" />
            <source>1 day overdue</source>
            <translation>逾期1天</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="0" />
            <source>1 day</source>
            <translation>1天</translation>
        </message>
        <message>
            <location filename="../../ui/pages/visits.py" line="0" />
            <source>{0} due; {1}: {2}</source>
            <translation>待走访 {0}；{1}：{2}</translation>
        </message>
    </context>
</TS>
