<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
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
</TS>