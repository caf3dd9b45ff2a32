<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
            <source>{0} rows of the list compared with {1} people of the register; {2} the same.</source>
            <translation>名单 {0} 行已与登记簿中的 {1} 人比对，其中 {2} 人信息一致。</translation>
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
