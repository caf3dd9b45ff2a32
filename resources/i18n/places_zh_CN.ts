<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>DuePlacesPanel</name>
        <message>
            <source>Places due for inspection</source>
            <translation>待检查的场所</translation>
        </message>
        <message>
            <source>{0} hazards overdue</source>
            <translation>{0}项隐患逾期</translation>
        </message>
        <message>
            <source>never inspected</source>
            <translation>从未检查</translation>
        </message>
        <message>
            <source>due {0} days ago</source>
            <translation>已到期{0}天</translation>
        </message>
        <message>
            <source>due today</source>
            <translation>今天到期</translation>
        </message>
        <message>
            <source>Place</source>
            <translation>场所</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Places due for inspection ({0})</source>
            <translation>待检查的场所（{0}个）</translation>
        </message>
    </context>
    <context>
        <name>HazardRow</name>
        <message>
            <source>Grade {grade} · found {found} · rectify by {deadline}</source>
            <translation>等级：{grade} · {found}发现 · 整改期限{deadline}</translation>
        </message>
        <message>
            <source>extended {0} times</source>
            <translation>已延期{0}次</translation>
        </message>
        <message>
            <source>overdue</source>
            <translation>已逾期</translation>
        </message>
        <message>
            <source>Rectified: sign off</source>
            <translation>已整改，销号</translation>
        </message>
        <message>
            <source>Extend the deadline</source>
            <translation>延期整改</translation>
        </message>
        <message>
            <source>Not rectified</source>
            <translation>未整改</translation>
        </message>
        <message>
            <source>This hazard has used all its extensions</source>
            <translation>该隐患的延期次数已用完</translation>
        </message>
        <message>
            <source>Photo of the rectified spot</source>
            <translation>整改后的现场照片</translation>
        </message>
        <message>
            <source>Why the place needs more time</source>
            <translation>需要延期的原因</translation>
        </message>
        <message>
            <source> working days</source>
            <translation>个工作日</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>说明</translation>
        </message>
        <message>
            <source>new deadline {0}</source>
            <translation>新期限{0}</translation>
        </message>
    </context>
    <context>
        <name>InspectDialog</name>
        <message>
            <source>Inspect {0}</source>
            <translation>检查：{0}</translation>
        </message>
        <message>
            <source>Save the rectification notice (PDF)…</source>
            <translation>保存整改通知书（PDF）…</translation>
        </message>
        <message>
            <source>Saved. {0} hazards were found: print the rectification notice for the person in charge to sign.</source>
            <translation>已保存。发现{0}项隐患：请打印整改通知书，交场所负责人签收。</translation>
        </message>
        <message>
            <source>Rectification notice</source>
            <translation>整改通知书</translation>
        </message>
        <message>
            <source>Save the rectification notice</source>
            <translation>保存整改通知书</translation>
        </message>
        <message>
            <source>The notice was not saved: {0}</source>
            <translation>整改通知书未保存：{0}</translation>
        </message>
        <message>
            <source>The rectification notice was saved: {0}</source>
            <translation>整改通知书已保存：{0}</translation>
        </message>
    </context>
    <context>
        <name>InspectionForm</name>
        <message>
            <source>Mark the rest passed</source>
            <translation>其余项标为合格</translation>
        </message>
        <message>
            <source>Every item not answered yet is marked passed</source>
            <translation>尚未作答的检查项全部标为合格</translation>
        </message>
        <message>
            <source>The person in charge types their name</source>
            <translation>由场所负责人输入姓名</translation>
        </message>
        <message>
            <source>Acknowledged by</source>
            <translation>负责人签名确认</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>A failed item needs a photo, or the reason there is none. When an item failed, the person in charge acknowledges the notice by typing their name.</source>
            <translation>不合格项须拍照，或说明无法拍照的原因。有不合格项时，须由场所负责人输入姓名签名确认。</translation>
        </message>
        <message>
            <source>{answered} of {total} items answered, {failed} failed</source>
            <translation>已检查 {answered}/{total} 项，不合格 {failed} 项</translation>
        </message>
    </context>
    <context>
        <name>ItemRow</name>
        <message>
            <source>Passed</source>
            <translation>合格</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>不合格</translation>
        </message>
        <message>
            <source>Not applicable</source>
            <translation>不适用</translation>
        </message>
        <message>
            <source>Hazard: {hazard} · grade {grade} · to be rectified within {days}, by {day}</source>
            <translation>隐患：{hazard} · 等级：{grade} · 限{days}内整改，截止{day}</translation>
        </message>
        <message>
            <source>Why there is no photo (only when none can be taken)</source>
            <translation>无法拍照的原因（仅在无法拍照时填写）</translation>
        </message>
        <message>
            <source>Note (what was seen, where)</source>
            <translation>说明（发现的情况、位置）</translation>
        </message>
    </context>
    <context>
        <name>PlaceCardView</name>
        <message>
            <source>Edit…</source>
            <translation>编辑…</translation>
        </message>
        <message>
            <source>Inspect…</source>
            <translation>检查…</translation>
        </message>
        <message>
            <source>Re-inspect…</source>
            <translation>复查…</translation>
        </message>
        <message>
            <source>Rectification notice…</source>
            <translation>整改通知书…</translation>
        </message>
        <message>
            <source>The notice of the last inspection that found hazards, as a PDF</source>
            <translation>最近一次发现隐患的检查的整改通知书（PDF）</translation>
        </message>
        <message>
            <source>Escalate into an incident…</source>
            <translation>转为事件…</translation>
        </message>
        <message>
            <source>A major hazard, or a significant one overdue, or one overdue with no extension left, becomes an incident on the incident board</source>
            <translation>重大隐患，或逾期未整改的较大隐患，或已用完延期仍逾期的隐患，可转为事件，进入事件看板</translation>
        </message>
        <message>
            <source>Choose a place in the list, or register a new one.</source>
            <translation>请在列表中选择场所，或登记新场所。</translation>
        </message>
        <message>
            <source>Hazards</source>
            <translation>隐患</translation>
        </message>
        <message>
            <source>Inspections</source>
            <translation>检查记录</translation>
        </message>
        <message>
            <source>overdue</source>
            <translation>已逾期</translation>
        </message>
        <message>
            <source>Hazard</source>
            <translation>隐患</translation>
        </message>
        <message>
            <source>Grade</source>
            <translation>等级</translation>
        </message>
        <message>
            <source>Rectify by</source>
            <translation>整改期限</translation>
        </message>
        <message>
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>{0} failed</source>
            <translation>{0}项不合格</translation>
        </message>
        <message>
            <source>all passed</source>
            <translation>全部合格</translation>
        </message>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Kind of inspection</source>
            <translation>检查类型</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>Person in charge: {0}</source>
            <translation>负责人：{0}</translation>
        </message>
        <message>
            <source>Unified social credit code: {0}</source>
            <translation>统一社会信用代码：{0}</translation>
        </message>
        <message>
            <source>Inspected every {0} days</source>
            <translation>每{0}天检查一次</translation>
        </message>
        <message>
            <source>Hazards ({0} open)</source>
            <translation>隐患（{0}项待整改）</translation>
        </message>
    </context>
    <context>
        <name>PlaceEditor</name>
        <message>
            <source>Edit place {0}</source>
            <translation>编辑场所：{0}</translation>
        </message>
        <message>
            <source>New place</source>
            <translation>登记场所</translation>
        </message>
        <message>
            <source>e.g. 老王川菜馆</source>
            <translation>例如：老王川菜馆</translation>
        </message>
        <message>
            <source>street and number</source>
            <translation>街道和门牌号</translation>
        </message>
        <message>
            <source>18 characters, e.g. 91350100M000100Y43</source>
            <translation>18位，例如 91350100M000100Y43</translation>
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation>场所名称(&amp;N)：</translation>
        </message>
        <message>
            <source>&amp;Kind:</source>
            <translation>场所类型(&amp;K)：</translation>
        </message>
        <message>
            <source>&amp;Grid:</source>
            <translation>所在网格(&amp;G)：</translation>
        </message>
        <message>
            <source>&amp;Address:</source>
            <translation>地址(&amp;A)：</translation>
        </message>
        <message>
            <source>&amp;Person in charge:</source>
            <translation>负责人(&amp;P)：</translation>
        </message>
        <message>
            <source>P&amp;hone:</source>
            <translation>负责人电话(&amp;H)：</translation>
        </message>
        <message>
            <source>&amp;Unified social credit code:</source>
            <translation>统一社会信用代码(&amp;U)：</translation>
        </message>
        <message>
            <source>N&amp;otes:</source>
            <translation>备注(&amp;O)：</translation>
        </message>
    </context>
    <context>
        <name>PlaceFiguresPanel</name>
        <message>
            <source>Places inspected</source>
            <translation>已检查场所</translation>
        </message>
        <message>
            <source>Hazards rectified</source>
            <translation>整改销号</translation>
        </message>
        <message>
            <source>Places and their safety inspections</source>
            <translation>场所安全检查</translation>
        </message>
        <message>
            <source>Kind or grid</source>
            <translation>类型或网格</translation>
        </message>
        <message>
            <source>Inspected</source>
            <translation>已检查</translation>
        </message>
        <message>
            <source>Found</source>
            <translation>发现</translation>
        </message>
        <message>
            <source>Rectified</source>
            <translation>已销号</translation>
        </message>
        <message>
            <source>Place</source>
            <translation>场所</translation>
        </message>
        <message>
            <source>Hazard</source>
            <translation>隐患</translation>
        </message>
        <message>
            <source>Grade</source>
            <translation>等级</translation>
        </message>
        <message>
            <source>Rectify by</source>
            <translation>整改期限</translation>
        </message>
        <message>
            <source>{0} of the places</source>
            <translation>占场所的{0}</translation>
        </message>
        <message>
            <source>{0} escalated into incidents</source>
            <translation>其中{0}项转为事件</translation>
        </message>
        <message>
            <source>{0} of those found, {1} on time</source>
            <translation>占发现的{0}，按期{1}项</translation>
        </message>
        <message>
            <source>open and past their deadline now</source>
            <translation>当前超过整改期限仍未整改</translation>
        </message>
        <message>
            <source>All places</source>
            <translation>全部场所</translation>
        </message>
        <message>
            <source>No grid</source>
            <translation>未划网格</translation>
        </message>
    </context>
    <context>
        <name>PlacesCheckDialog</name>
        <message>
            <source>Import places from {0}</source>
            <translation>从 {0} 导入场所</translation>
        </message>
        <message>
            <source>{0} new places, {1} to update, {2} unchanged.</source>
            <translation>新增{0}个场所，更新{1}个，{2}个无变化。</translation>
        </message>
        <message>
            <source>The file has {0} problems: nothing was imported. Correct the cells below and import it again.</source>
            <translation>文件中有{0}处问题，未导入任何内容。请改正下列单元格后重新导入。</translation>
        </message>
        <message>
            <source>The file is correct.</source>
            <translation>文件检查无误。</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>导入</translation>
        </message>
    </context>
    <context>
        <name>PlacesExcel</name>
        <message>
            <source>Import places</source>
            <translation>导入场所</translation>
        </message>
        <message>
            <source>The file was not read: {0}</source>
            <translation>未能读取文件：{0}</translation>
        </message>
        <message>
            <source>Nothing was imported: {0}</source>
            <translation>未导入任何内容：{0}</translation>
        </message>
        <message>
            <source>Nothing was imported: the file has {0} problems</source>
            <translation>未导入任何内容：文件中有{0}处问题</translation>
        </message>
        <message>
            <source>Imported: {0} new places, {1} updated</source>
            <translation>已导入：新增{0}个场所，更新{1}个</translation>
        </message>
        <message>
            <source>Places</source>
            <translation>场所</translation>
        </message>
        <message>
            <source>Export places</source>
            <translation>导出场所</translation>
        </message>
        <message>
            <source>Not exported: {0}</source>
            <translation>未导出：{0}</translation>
        </message>
        <message>
            <source>{0} places exported to {1}</source>
            <translation>已导出{0}个场所到 {1}</translation>
        </message>
    </context>
    <context>
        <name>PlacesFound</name>
        <message>
            <source>Places: {0}</source>
            <translation>场所：{0}</translation>
        </message>
    </context>
    <context>
        <name>PlacesPage</name>
        <message>
            <source>Search: name, pinyin initials, address, person in charge, phone…</source>
            <translation>搜索：名称、拼音首字母、地址、负责人、电话…</translation>
        </message>
        <message>
            <source>All kinds</source>
            <translation>全部类型</translation>
        </message>
        <message>
            <source>All my grids</source>
            <translation>我的全部网格</translation>
        </message>
        <message>
            <source>New place…</source>
            <translation>登记场所…</translation>
        </message>
        <message>
            <source>Excel</source>
            <translation>Excel</translation>
        </message>
        <message>
            <source>Import places…</source>
            <translation>导入场所…</translation>
        </message>
        <message>
            <source>Export places…</source>
            <translation>导出场所…</translation>
        </message>
        <message>
            <source>Places</source>
            <translation>场所</translation>
        </message>
        <message>
            <source>{0} open, {1} overdue</source>
            <translation>{0}项待整改，{1}项逾期</translation>
        </message>
        <message>
            <source>{0} open</source>
            <translation>{0}项待整改</translation>
        </message>
        <message>
            <source>Place</source>
            <translation>场所</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>Person in charge</source>
            <translation>负责人</translation>
        </message>
        <message>
            <source>Last inspected</source>
            <translation>上次检查</translation>
        </message>
        <message>
            <source>never</source>
            <translation>从未检查</translation>
        </message>
        <message>
            <source>Hazards</source>
            <translation>隐患</translation>
        </message>
        <message>
            <source>{0} places</source>
            <translation>共{0}个场所</translation>
        </message>
        <message>
            <source>Rectification notice</source>
            <translation>整改通知书</translation>
        </message>
        <message>
            <source>Save the rectification notice</source>
            <translation>保存整改通知书</translation>
        </message>
        <message>
            <source>The notice was not saved: {0}</source>
            <translation>整改通知书未保存：{0}</translation>
        </message>
        <message>
            <source>The rectification notice was saved: {0}</source>
            <translation>整改通知书已保存：{0}</translation>
        </message>
        <message>
            <source>Escalate into an incident</source>
            <translation>转为事件</translation>
        </message>
        <message>
            <source>Report “{0}” at {1} as an incident? It goes on the incident board and follows the incident's closed loop; the hazard is marked escalated.</source>
            <translation>将{1}的“{0}”上报为事件？事件进入事件看板，按事件闭环处置；该隐患标记为已转事件。</translation>
        </message>
        <message>
            <source>Escalate</source>
            <translation>转为事件</translation>
        </message>
        <message>
            <source>Not escalated: {0}</source>
            <translation>未能转为事件：{0}</translation>
        </message>
        <message>
            <source>The hazard is now an incident on the incident board.</source>
            <translation>该隐患已转为事件，可在事件看板查看。</translation>
        </message>
    </context>
    <context>
        <name>RecheckDialog</name>
        <message>
            <source>Re-inspect {0}</source>
            <translation>复查：{0}</translation>
        </message>
    </context>
    <context>
        <name>RectificationNotice</name>
        <message>
            <source>1 working day</source>
            <translation>1个工作日</translation>
        </message>
        <message>
            <source>{0} working days</source>
            <translation>{0}个工作日</translation>
        </message>
        <message>
            <source>Place</source>
            <translation>场所名称</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>Person in charge</source>
            <translation>负责人</translation>
        </message>
        <message>
            <source>Unified social credit code</source>
            <translation>统一社会信用代码</translation>
        </message>
        <message>
            <source>Inspected on</source>
            <translation>检查日期</translation>
        </message>
        <message>
            <source>Inspector</source>
            <translation>检查人</translation>
        </message>
        <message>
            <source>No.</source>
            <translation>序号</translation>
        </message>
        <message>
            <source>Item checked</source>
            <translation>检查项目</translation>
        </message>
        <message>
            <source>Hazard found</source>
            <translation>发现的隐患</translation>
        </message>
        <message>
            <source>Grade</source>
            <translation>隐患等级</translation>
        </message>
        <message>
            <source>Time allowed</source>
            <translation>整改时限</translation>
        </message>
        <message>
            <source>Rectify by</source>
            <translation>整改期限</translation>
        </message>
        <message>
            <source>At the safety inspection of {day}, the hazards below were found. Rectify each of them by its deadline (working days: weekends and public holidays are not counted) and tell your grid worker, who will come back to check. A hazard not rectified in time is reported for handling.</source>
            <translation>经{day}安全检查，发现你单位（场所）存在下列隐患。请在整改期限内逐项整改（按工作日计算，不含周末和法定节假日），整改完毕后告知网格员前来复查。逾期未整改的，将上报处置。</translation>
        </message>
        <message>
            <source>Acknowledged at the inspection by: {0}</source>
            <translation>检查时负责人已确认：{0}</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Date</source>
            <translation>日期</translation>
        </message>
        <message>
            <source>Inspector (signature)</source>
            <translation>检查人（签名）</translation>
        </message>
        <message>
            <source>Person in charge (signature)</source>
            <translation>场所负责人（签名）</translation>
        </message>
        <message>
            <source>Rectification notice</source>
            <translation>整改通知书</translation>
        </message>
    </context>
    <context>
        <name>WalkPlacesPanel</name>
        <message>
            <source>Inspect…</source>
            <translation>检查…</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>顺序</translation>
        </message>
        <message>
            <source>{0} of {1}</source>
            <translation>第{0}/{1}站</translation>
        </message>
        <message>
            <source>Place</source>
            <translation>场所</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>Inspected</source>
            <translation>检查情况</translation>
        </message>
        <message>
            <source>not yet</source>
            <translation>未检查</translation>
        </message>
        <message>
            <source>Places on this walk-round: {0} of {1} inspected</source>
            <translation>本次巡查的场所：已检查{0}/{1}个</translation>
        </message>
    </context>
    <context>
        <name>ListCompareDialog</name>
        <message>
            <source>Compare a list with the register</source>
            <translation>名单比对</translation>
        </message>
        <message>
            <source>Choose a list…</source>
            <translation>选择名单…</translation>
        </message>
        <message>
            <source>Choose a list</source>
            <translation>选择名单</translation>
        </message>
        <message>
            <source>Lists (*.xlsx *.csv)</source>
            <translation>名单文件 (*.xlsx *.csv)</translation>
        </message>
        <message>
            <source>An .xlsx or .csv file with ID numbers, or names and phone numbers.</source>
            <translation>一个 .xlsx 或 .csv 文件，含身份证号，或者含姓名和电话。</translation>
        </message>
        <message>
            <source>ID number</source>
            <translation>身份证号</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>（无）</translation>
        </message>
        <message>
            <source>Compare</source>
            <translation>比对</translation>
        </message>
        <message>
            <source>Export this group…</source>
            <translation>导出本组…</translation>
        </message>
        <message>
            <source>Export this group</source>
            <translation>导出本组</translation>
        </message>
        <message>
            <source>Plan visits to the missing</source>
            <translation>走访名单中缺少的人</translation>
        </message>
        <message>
            <source>A walk-round over the households of the people missing from the list, in walking order</source>
            <translation>把名单中缺少的人所在的住户按行走顺序排成一次巡查</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>{0} · sheet “{1}” · header on row {2} · {3} rows</source>
            <translation>{0} · 工作表“{1}” · 表头在第 {2} 行 · 共 {3} 行</translation>
        </message>
        <message>
            <source>{0} ({1})</source>
            <translation>{0}（{1}）</translation>
        </message>
        <message>
            <source>{0} rows have nothing in the chosen columns and were not compared.</source>
            <translation>另有 {0} 行在所选列中没有内容，未比对。</translation>
        </message>
        <message>
            <source>Saved to {0}</source>
            <translation>已保存到 {0}</translation>
        </message>
        <message>
            <source>{0} ID numbers were stored by Excel as numbers and lost their last digits (rows {1}): they cannot match anyone. Format the column as Text in the list and type them again.</source>
            <translation>有 {0} 个身份证号被 Excel 存成了数字，末几位已丢失（第 {1} 行），无法与任何人比对。请在名单中把该列设为“文本”后重新录入。</translation>
        </message>
        <message>
            <source>Show numbers</source>
            <translation>显示号码</translation>
        </message>
        <message>
            <source>Show ID and phone numbers whole (the exported files always have them whole)</source>
            <translation>完整显示身份证号和电话（导出的文件总是完整的）</translation>
        </message>
        <message>
            <source>Walk-round “{0}” planned: {1} households, on the Visits page.</source>
            <translation>已安排巡查“{0}”：{1} 户，可在走访页查看。</translation>
        </message>
    </context>
    <context>
        <name>RegisterPage</name>
        <message>
            <source>Compare a list…</source>
            <translation>名单比对…</translation>
        </message>
        <message>
            <source>Import the register from a workbook, export it, get the empty template, or compare an outside list with it</source>
            <translation>从 Excel 工作簿导入台账、导出台账、下载空白模板，或将外来名单与台账比对</translation>
        </message>
        <message>
            <source>Grid team (1+6+N)…</source>
            <translation>网格力量（1+6+N）…</translation>
        </message>
        <message>
            <source>Grid team (1+6+N)</source>
            <translation>网格力量（1+6+N）</translation>
        </message>
    </context>
    <context>
        <name>ActionDialog</name>
        <message>
            <source>(nobody)</source>
            <translation>（不选）</translation>
        </message>
        <message>
            <source>A member who uses GridWorker becomes the handler; anyone else is named in the note as the person to contact</source>
            <translation>使用本系统的成员直接作为处置人；其他成员作为联系人写入备注</translation>
        </message>
        <message>
            <source>Grid team</source>
            <translation>网格力量</translation>
        </message>
        <message>
            <source>Contact: {0} ({1}, {2})</source>
            <translation>联系人：{0}（{1}，{2}）</translation>
        </message>
        <message>
            <source>no phone</source>
            <translation>无电话</translation>
        </message>
    </context>
    <context>
        <name>MemberDialog</name>
        <message>
            <source>Edit a member of the grid team</source>
            <translation>编辑网格力量成员</translation>
        </message>
        <message>
            <source>Add a member to the grid team</source>
            <translation>添加网格力量成员</translation>
        </message>
        <message>
            <source>Name, pinyin initials, ID or phone digits</source>
            <translation>姓名、拼音首字母、身份证号或电话号码</translation>
        </message>
        <message>
            <source>(not from the register)</source>
            <translation>（不从台账选择）</translation>
        </message>
        <message>
            <source>(not a user)</source>
            <translation>（不是系统用户）</translation>
        </message>
        <message>
            <source>e.g. first aid, plumbing, sign language</source>
            <translation>如：急救、水电维修、手语</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>Find in the register</source>
            <translation>从台账查找</translation>
        </message>
        <message>
            <source>User</source>
            <translation>系统用户</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>Skills</source>
            <translation>特长</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
    </context>
    <context>
        <name>RosterDialog</name>
        <message>
            <source>Grid team (1+6+N): {0}</source>
            <translation>网格力量（1+6+N）：{0}</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>Skills</source>
            <translation>特长</translation>
        </message>
        <message>
            <source>From</source>
            <translation>来自</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Add…</source>
            <translation>添加…</translation>
        </message>
        <message>
            <source>Edit…</source>
            <translation>编辑…</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>移除</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>导出…</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Incomplete: nobody is {0}</source>
            <translation>不完整：没有{0}</translation>
        </message>
        <message>
            <source>Complete: every required role is held</source>
            <translation>完整：必需的角色都已配备</translation>
        </message>
        <message>
            <source>Remove {0} ({1}) from the grid team?</source>
            <translation>从网格力量中移除 {0}（{1}）？</translation>
        </message>
        <message>
            <source>Export the grid team</source>
            <translation>导出网格力量</translation>
        </message>
        <message>
            <source>Exported to {0}</source>
            <translation>已导出到 {0}</translation>
        </message>
    </context>
    <context>
        <name>IncompleteRosters</name>
        <message>
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <source>Roles nobody holds</source>
            <translation>缺少的角色</translation>
        </message>
        <message>
            <source>Grids whose team (1+6+N) is incomplete</source>
            <translation>网格力量（1+6+N）不完整的网格</translation>
        </message>
        <message>
            <source>Every grid's team is complete.</source>
            <translation>各网格力量均已配齐。</translation>
        </message>
        <message>
            <source>Double-click a grid to fill in its team.</source>
            <translation>双击网格可补充其力量配备。</translation>
        </message>
    </context>
</TS>
