<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ParticipationPage</name>
    <message>
        <source>Residents to confirm</source>
        <translation>居民身份确认</translation>
    </message>
</context>
<context>
    <name>ResidentsTab</name>
    <message>
        <source>Search name or phone</source>
        <translation>搜索姓名或手机号</translation>
    </message>
    <message>
        <source>Choose a resident in the list.</source>
        <translation>请在列表中选择一位居民。</translation>
    </message>
    <message>
        <source>People of your register with the resident's name, in their community</source>
        <translation>本机台账中该居民所在社区同名的人员</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认身份</translation>
    </message>
    <message>
        <source>Why the confirmation is taken back</source>
        <translation>撤销确认的原因</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销确认</translation>
    </message>
    <message>
        <source>Confirm a resident you know in person. They are verified on their phone after the next sync.</source>
        <translation>请确认您当面认识的居民。下次同步后，居民在手机上即为已认证。</translation>
    </message>
    <message>
        <source>Person of the register</source>
        <translation>对应登记人员</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>待确认</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>已认证</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Waiting for verification</source>
        <translation>待核验</translation>
    </message>
    <message>
        <source>Confirmed by staff</source>
        <translation>网格员已确认</translation>
    </message>
    <message>
        <source>ID number matched</source>
        <translation>身份证核验通过</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>注册时间</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Confirmation undone: {0}</source>
        <translation>已撤销确认：{0}</translation>
    </message>
    <message>
        <source>Not linked</source>
        <translation>不关联登记人员</translation>
    </message>
    <message>
        <source>{0} is confirmed: verified on their phone after the next sync.</source>
        <translation>已确认{0}的身份：下次同步后在手机上显示为已认证。</translation>
    </message>
    <message>
        <source>The confirmation of {0} is undone.</source>
        <translation>已撤销对{0}的确认。</translation>
    </message>
</context>
</TS>
